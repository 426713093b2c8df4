-- Keep in step with ../sqlite/0019_name_words.sql.
-- The words of each participant's folded name after its first piece (first names, the second
-- part of a double surname), so a name search finds a rare name by index instead of reading a
-- whole region's caseload. Names that start with the searched word are found on the caseload's
-- own name indexes. Kept by store/src/participants.rs in the same transaction as the name;
-- the words are split as domain::validation::later_name_words splits them.
CREATE TABLE participant_name_words (
    word            TEXT COLLATE "C" NOT NULL,
    participant_id  UUID NOT NULL REFERENCES participants (id),
    PRIMARY KEY (word, participant_id)
);

CREATE INDEX participant_name_words_participant ON participant_name_words (participant_id);

INSERT INTO participant_name_words (word, participant_id)
SELECT DISTINCT piece.word, p.id
FROM participants p, regexp_split_to_table(p.name_search, '[ ''-]') WITH ORDINALITY AS piece (word, n)
WHERE piece.n > 1 AND piece.word <> '';

-- Names compare byte by byte, as on SQLite, whatever the database's locale: a search for names
-- that start with a word reads the range from the word to the word followed by the last
-- character, which only holds in that order (a locale may skip spaces and hyphens).
ALTER TABLE trajectories ALTER COLUMN participant_name TYPE TEXT COLLATE "C";
