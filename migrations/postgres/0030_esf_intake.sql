-- ESF+ intake (issue 24): programmes that report to the ESF ask participants for the characteristics
-- the common indicators count; each yes-or-no one keeps 'declined' (prefers not to say) apart from
-- 'not_recorded'. The postcode gives the rural area (DEGURBA) through a reference table shipped here, and
-- the region (by bpost's ranges, in the domain). Keep in step with ../sqlite/0030_esf_intake.sql.

ALTER TABLE programmes ADD COLUMN reports_to_esf BOOLEAN NOT NULL DEFAULT FALSE;
-- Both programmes of the seeds live on ESF money (80% ESF, 20% the partners).
UPDATE programmes SET reports_to_esf = TRUE WHERE built_in;

ALTER TABLE participants ADD COLUMN unemployed_months INTEGER CHECK (unemployed_months BETWEEN 0 AND 600);
ALTER TABLE participants ADD COLUMN disability TEXT NOT NULL DEFAULT 'not_recorded';
ALTER TABLE participants ADD COLUMN third_country_national TEXT NOT NULL DEFAULT 'not_recorded';
ALTER TABLE participants ADD COLUMN foreign_background TEXT NOT NULL DEFAULT 'not_recorded';
ALTER TABLE participants ADD COLUMN minority TEXT NOT NULL DEFAULT 'not_recorded';
ALTER TABLE participants ADD COLUMN homeless TEXT NOT NULL DEFAULT 'not_recorded';
ALTER TABLE participants ADD COLUMN postcode TEXT;

-- disability, third_country_national, foreign_background, minority, homeless: esf::Answer
ALTER TABLE participants ADD CONSTRAINT participants_disability_allowed CHECK (disability IN ('yes', 'no', 'declined', 'not_recorded'));
ALTER TABLE participants ADD CONSTRAINT participants_third_country_national_allowed CHECK (third_country_national IN ('yes', 'no', 'declined', 'not_recorded'));
ALTER TABLE participants ADD CONSTRAINT participants_foreign_background_allowed CHECK (foreign_background IN ('yes', 'no', 'declined', 'not_recorded'));
ALTER TABLE participants ADD CONSTRAINT participants_minority_allowed CHECK (minority IN ('yes', 'no', 'declined', 'not_recorded'));
ALTER TABLE participants ADD CONSTRAINT participants_homeless_allowed CHECK (homeless IN ('yes', 'no', 'declined', 'not_recorded'));

-- Belgian postcodes and the degree of urbanisation (Eurostat DEGURBA: 1 cities, 2 towns and suburbs,
-- 3 rural areas) of the municipality they belong to: the postcodes of the Flemish partners and
-- of the demo participants. The classes were assigned by hand for these municipalities and are to be
-- checked against Eurostat's LAU-DEGURBA correspondence table before a report is filed (docs/esf.md:
-- the source, and how to load the whole table). A postcode not listed leaves the rural area unknown:
-- the participant is listed as missing data, never guessed.
CREATE TABLE postcode_degurba (
    postcode      TEXT PRIMARY KEY,
    municipality  TEXT NOT NULL,
    degurba       INTEGER NOT NULL CHECK (degurba BETWEEN 1 AND 3)
);
INSERT INTO postcode_degurba (postcode, municipality, degurba) VALUES
    ('2000', 'Antwerpen', 1),
    ('2018', 'Antwerpen', 1),
    ('2060', 'Antwerpen', 1),
    ('2100', 'Antwerpen (Deurne)', 1),
    ('2300', 'Turnhout', 2),
    ('2400', 'Mol', 2),
    ('2440', 'Geel', 2),
    ('2500', 'Lier', 2),
    ('2650', 'Edegem', 1),
    ('2800', 'Mechelen', 1),
    ('2381', 'Ravels', 3),
    ('2387', 'Baarle-Hertog', 3),
    ('2460', 'Kasterlee', 3),
    ('2470', 'Retie', 3),
    ('2480', 'Dessel', 2),
    ('2490', 'Balen', 2),
    ('2330', 'Merksplas', 3),
    ('2382', 'Ravels (Poppel)', 3),
    ('2960', 'Brecht', 2),
    ('3500', 'Hasselt', 1),
    ('3600', 'Genk', 1),
    ('3620', 'Lanaken', 2),
    ('3700', 'Tongeren', 2),
    ('3800', 'Sint-Truiden', 2),
    ('3920', 'Lommel', 2),
    ('3580', 'Beringen', 2),
    ('3790', 'Voeren', 3),
    ('3890', 'Gingelom', 3),
    ('3870', 'Heers', 3),
    ('3717', 'Herstappe', 3),
    ('3960', 'Bree', 2),
    ('3950', 'Bocholt', 3),
    ('3640', 'Kinrooi', 3),
    ('3670', 'Oudsbergen', 3),
    ('9000', 'Gent', 1),
    ('9040', 'Gent (Sint-Amandsberg)', 1),
    ('9100', 'Sint-Niklaas', 1),
    ('9160', 'Lokeren', 2),
    ('9300', 'Aalst', 1),
    ('9700', 'Oudenaarde', 2),
    ('9800', 'Deinze', 2),
    ('9900', 'Eeklo', 2),
    ('9680', 'Maarkedal', 3),
    ('9667', 'Horebeke', 3),
    ('9570', 'Lierde', 3),
    ('9690', 'Kluisbergen', 3),
    ('9990', 'Maldegem', 2),
    ('9970', 'Kaprijke', 3),
    ('9988', 'Assenede', 3),
    ('9630', 'Zwalm', 3),
    ('3000', 'Leuven', 1),
    ('3010', 'Leuven (Kessel-Lo)', 1),
    ('1500', 'Halle', 2),
    ('1800', 'Vilvoorde', 1),
    ('3200', 'Aarschot', 2),
    ('3300', 'Tienen', 2),
    ('1760', 'Roosdaal', 3),
    ('1570', 'Galmaarden', 3),
    ('1540', 'Herne', 3),
    ('3470', 'Kortenaken', 3),
    ('3390', 'Tielt-Winge', 3),
    ('3380', 'Glabbeek', 3),
    ('3404', 'Landen', 2),
    ('8000', 'Brugge', 1),
    ('8200', 'Brugge (Sint-Andries)', 1),
    ('8400', 'Oostende', 1),
    ('8500', 'Kortrijk', 1),
    ('8501', 'Kortrijk (Heule)', 1),
    ('8800', 'Roeselare', 1),
    ('8790', 'Waregem', 2),
    ('8900', 'Ieper', 2),
    ('8690', 'Alveringem', 3),
    ('8950', 'Heuvelland', 3),
    ('8640', 'Vleteren', 3),
    ('8647', 'Lo-Reninge', 3),
    ('8600', 'Diksmuide', 3),
    ('8650', 'Houthulst', 3),
    ('8377', 'Zuienkerke', 3),
    ('8340', 'Damme', 3),
    ('8630', 'Veurne', 2),
    ('8920', 'Langemark-Poelkapelle', 3),
    ('1000', 'Brussel', 1),
    ('1030', 'Schaarbeek', 1),
    ('1050', 'Elsene', 1);
