-- Keep in step with ../postgres/0019_name_words.sql.
-- The words of each participant's folded name after its first piece (first names, the second
-- part of a double surname), so a name search finds a rare name by index instead of reading a
-- whole region's caseload. Names that start with the searched word are found on the caseload's
-- own name indexes. Kept by store/src/participants.rs in the same transaction as the name;
-- the words are split as domain::validation::later_name_words splits them.
CREATE TABLE participant_name_words (
    word            TEXT NOT NULL,
    participant_id  BLOB NOT NULL REFERENCES participants (id),
    PRIMARY KEY (word, participant_id)
) WITHOUT ROWID;

CREATE INDEX participant_name_words_participant ON participant_name_words (participant_id);

-- Existing names: hyphens and apostrophes become spaces, then the name is cut at each space.
INSERT OR IGNORE INTO participant_name_words (word, participant_id)
WITH RECURSIVE piece (participant_id, rest, word, n) AS (
    SELECT id, replace(replace(name_search, '-', ' '), '''', ' ') || ' ', NULL, 0 FROM participants
    UNION ALL
    SELECT participant_id, substr(rest, instr(rest, ' ') + 1), substr(rest, 1, instr(rest, ' ') - 1), n + 1
    FROM piece WHERE rest <> ''
)
SELECT word, participant_id FROM piece WHERE n > 1 AND word <> '';
