-- The five regional partnerships of "We go to work" (one per Flemish province) as reference data:
-- care partners and coordinators need a region, so a fresh database has them. Administrators rename
-- them and add others (the regions page, the API); a region already there under its code is kept.
-- Keep in step with ../postgres/0028_regions.sql.
INSERT INTO regions (id, code, name, created_at, updated_at) VALUES
    (X'019b7700000070008000000000000001', 'antwerpen', 'Antwerpen', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
    (X'019b7700000070008000000000000002', 'limburg', 'Limburg', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
    (X'019b7700000070008000000000000003', 'oost-vlaanderen', 'Oost-Vlaanderen', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
    (X'019b7700000070008000000000000004', 'vlaams-brabant', 'Vlaams-Brabant', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
    (X'019b7700000070008000000000000005', 'west-vlaanderen', 'West-Vlaanderen', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')
ON CONFLICT (code) DO NOTHING;
