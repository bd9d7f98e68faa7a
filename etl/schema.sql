-- Brussels Social Impact Monitor: the database contract between etl/ and the app.
-- Every table is written by `python -m etl build` into a new file, checked, then swapped in.

-- publisher, title, licence, notes: as compiled (raw/facts/sources*.csv, catalog/sources_extra*.csv); the same
-- in each language (catalog/source_texts*.csv, licences.csv): the publisher's own title where they publish in that
-- language (own_language), a faithful translation otherwise; the description of the source and the licence stated
CREATE TABLE source (
    source_id      VARCHAR PRIMARY KEY,
    publisher      VARCHAR NOT NULL,
    title          VARCHAR NOT NULL,
    url            VARCHAR,
    reference_date VARCHAR,
    licence        VARCHAR,
    notes          VARCHAR,
    quality        VARCHAR NOT NULL CHECK (quality IN ('official', 'reported', 'example')),
    retrieved      VARCHAR,
    own_language   VARCHAR NOT NULL CHECK (own_language IN ('', 'fr', 'nl', 'en')),
    licence_id     VARCHAR NOT NULL,
    publisher_fr   VARCHAR NOT NULL,
    publisher_nl   VARCHAR NOT NULL,
    publisher_en   VARCHAR NOT NULL,
    title_fr       VARCHAR NOT NULL,
    title_nl       VARCHAR NOT NULL,
    title_en       VARCHAR NOT NULL,
    description_fr VARCHAR NOT NULL,
    description_nl VARCHAR NOT NULL,
    description_en VARCHAR NOT NULL,
    reference_date_fr VARCHAR NOT NULL,
    reference_date_nl VARCHAR NOT NULL,
    reference_date_en VARCHAR NOT NULL,
    licence_fr     VARCHAR NOT NULL,
    licence_nl     VARCHAR NOT NULL,
    licence_en     VARCHAR NOT NULL
);

CREATE TABLE commune (
    nis_code       VARCHAR PRIMARY KEY CHECK (regexp_full_match(nis_code, '[0-9]{5}')),
    level          VARCHAR NOT NULL CHECK (level IN ('commune', 'region')),
    name_fr        VARCHAR NOT NULL,
    name_nl        VARCHAR NOT NULL,
    name_en        VARCHAR NOT NULL,
    area_km2       DOUBLE CHECK (area_km2 > 0),
    area_source_id VARCHAR REFERENCES source (source_id),
    postal_codes   VARCHAR,
    tile_row       INTEGER,
    tile_col       INTEGER,
    names_source_id VARCHAR REFERENCES source (source_id)
);

CREATE TABLE commune_geometry (
    nis_code       VARCHAR PRIMARY KEY REFERENCES commune (nis_code),
    geojson        VARCHAR NOT NULL,          -- one GeoJSON geometry, WGS84, exterior rings counter-clockwise (RFC 7946)
    vertices       INTEGER NOT NULL CHECK (vertices >= 4),
    centroid_lon   DOUBLE NOT NULL CHECK (centroid_lon BETWEEN 4.2 AND 4.55),
    centroid_lat   DOUBLE NOT NULL CHECK (centroid_lat BETWEEN 50.7 AND 50.95),
    source_file    VARCHAR NOT NULL,
    source_sha256  VARCHAR NOT NULL,
    source_crs     VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL REFERENCES source (source_id)   -- whose attribution every map shows
);

CREATE TABLE unit (
    unit_id        VARCHAR PRIMARY KEY,
    label_fr       VARCHAR NOT NULL,
    label_nl       VARCHAR NOT NULL,
    label_en       VARCHAR NOT NULL
);

CREATE TABLE indicator (
    indicator_id   VARCHAR PRIMARY KEY,
    topic          VARCHAR NOT NULL CHECK (topic IN ('tip1', 'tip2', 'tip3', 'tip4', 'tip5', 'context')),
    theme          VARCHAR NOT NULL,
    unit_id        VARCHAR NOT NULL REFERENCES unit (unit_id),
    decimals       INTEGER NOT NULL CHECK (decimals BETWEEN 0 AND 4),
    direction      VARCHAR NOT NULL CHECK (direction IN ('higher_better', 'lower_better', 'neutral')),
    kind           VARCHAR NOT NULL CHECK (kind IN ('count', 'rate', 'amount', 'average', 'flag')),
    denominators   VARCHAR NOT NULL,          -- ';'-separated: population, area, households, ... ('' = none)
    definition     VARCHAR,                   -- family of definitions, e.g. unemployment_onem vs unemployment_census
    label_fr       VARCHAR NOT NULL,
    label_nl       VARCHAR NOT NULL,
    label_en       VARCHAR NOT NULL,
    description_fr VARCHAR NOT NULL,
    description_nl VARCHAR NOT NULL,
    description_en VARCHAR NOT NULL,
    source_ids     VARCHAR NOT NULL,
    quality        VARCHAR NOT NULL CHECK (quality IN ('official', 'reported', 'example')),
    sort_order     INTEGER NOT NULL
);

-- which indicators the app shows in each of its places, in order (data/catalog/display.csv; the places are
-- listed in data/catalog/README.md): overview_headline, overview_map, map_default, profile_key, fiche_key,
-- compare_x, compare_y, jobs_map, jobs_trend, jobs_public, reuse_map, reuse_trend, reuse_public,
-- embed_default, summary_context, summary_members. A place of one indicator (overview_map, map_default,
-- compare_x, compare_y, embed_default) has position 1 only.
CREATE TABLE indicator_display (
    place          VARCHAR NOT NULL,
    position       INTEGER NOT NULL CHECK (position >= 1),
    indicator_id   VARCHAR NOT NULL REFERENCES indicator (indicator_id),
    PRIMARY KEY (place, position)
);

-- commune (or region 04000) x indicator x year: the fact table. Its PRIMARY KEY (nis_code, indicator_id,
-- year) is added by the build after the bulk load (etl/sources/facts.py OBSERVATION_KEY), and its three
-- references (commune, indicator, source) are enforced by the relationship checks in etl/checks.py:
-- per-row foreign-key lookups made a 10-million-row load 10x slower and held the index in memory.
CREATE TABLE observation (
    nis_code       VARCHAR NOT NULL,          -- -> commune (checked)
    indicator_id   VARCHAR NOT NULL,          -- -> indicator (checked)
    year           INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    value          DOUBLE NOT NULL CHECK (isfinite(value)),
    source_id      VARCHAR NOT NULL,          -- -> source (checked)
    source_ids     VARCHAR NOT NULL,          -- all sources, ';'-separated (the first is source_id)
    quality        VARCHAR NOT NULL CHECK (quality IN ('official', 'reported', 'example')),
    ref_period     VARCHAR,
    note           VARCHAR,
    input_file     VARCHAR NOT NULL
);

-- what a scoped figure covers, in each language (data/catalog/scopes.csv; scope_rules.csv says which scope,
-- as the fact files write it, is which): an organisation, a programme, part of a commune, Wallonia + Brussels…
-- whole_region: the scope is the whole Region (such a figure repeating a regional observation is that one)
CREATE TABLE scope (
    scope_id       VARCHAR PRIMARY KEY,
    whole_region   BOOLEAN NOT NULL,
    label_fr       VARCHAR NOT NULL,
    label_nl       VARCHAR NOT NULL,
    label_en       VARCHAR NOT NULL
);

-- figures whose scope is not a commune or the region (organisation-wide, Wallonia + Brussels,
-- part of a commune) or that carry no year: shown as context, never mapped. scope is as the fact file
-- wrote it (or the commune's code / 'Brussels-Capital Region' / 'Belgium'); scope_id names its labels
-- (NULL for a commune: its names are the labels)
CREATE TABLE scoped_observation (
    scoped_id      INTEGER PRIMARY KEY,
    scope          VARCHAR NOT NULL,
    scope_id       VARCHAR REFERENCES scope (scope_id),
    nis_code       VARCHAR REFERENCES commune (nis_code),
    indicator_id   VARCHAR NOT NULL REFERENCES indicator (indicator_id),
    year           INTEGER CHECK (year BETWEEN 1990 AND 2100),
    value          DOUBLE NOT NULL CHECK (isfinite(value)),
    source_id      VARCHAR NOT NULL REFERENCES source (source_id),
    source_ids     VARCHAR NOT NULL,
    quality        VARCHAR NOT NULL CHECK (quality IN ('official', 'reported', 'example')),
    ref_period     VARCHAR,
    note           VARCHAR,
    input_file     VARCHAR NOT NULL
);

CREATE TABLE operator (
    operator_id    VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    organisation   VARCHAR,
    category       VARCHAR NOT NULL,
    activity       VARCHAR,
    address        VARCHAR,
    postal_code    VARCHAR CHECK (postal_code IS NULL OR regexp_full_match(postal_code, '1[0-2][0-9][0-9]')),
    nis_code       VARCHAR REFERENCES commune (nis_code),
    lon            DOUBLE CHECK (lon IS NULL OR lon BETWEEN 4.2 AND 4.55),
    lat            DOUBLE CHECK (lat IS NULL OR lat BETWEEN 50.7 AND 50.95),
    source_id      VARCHAR NOT NULL REFERENCES source (source_id),
    source_ids     VARCHAR NOT NULL,
    quality        VARCHAR NOT NULL CHECK (quality IN ('official', 'reported', 'example')),
    notes          VARCHAR,
    input_file     VARCHAR NOT NULL,
    CHECK ((lon IS NULL) = (lat IS NULL))
);

-- the streams of re-use flows (data/catalog/reuse_streams.csv), in display order: labels, and the words a
-- member template may use for each besides the code (';'-separated; also matched without accents)
CREATE TABLE reuse_stream (
    stream         VARCHAR PRIMARY KEY,
    position       INTEGER NOT NULL UNIQUE,
    label_fr       VARCHAR NOT NULL,
    label_nl       VARCHAR NOT NULL,
    label_en       VARCHAR NOT NULL,
    input_words    VARCHAR NOT NULL
);

CREATE TABLE reuse_flow (
    operator_id    VARCHAR NOT NULL REFERENCES operator (operator_id),
    year           INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    stream         VARCHAR NOT NULL REFERENCES reuse_stream (stream),
    collected_t    DOUBLE CHECK (collected_t >= 0),
    reused_t       DOUBLE CHECK (reused_t >= 0),
    recycled_t     DOUBLE CHECK (recycled_t >= 0),
    source_id      VARCHAR NOT NULL REFERENCES source (source_id),
    quality        VARCHAR NOT NULL CHECK (quality IN ('official', 'reported', 'example')),
    input_file     VARCHAR NOT NULL,
    PRIMARY KEY (operator_id, year, stream)
);

CREATE TABLE tip (
    tip_id         INTEGER PRIMARY KEY CHECK (tip_id BETWEEN 1 AND 5),
    title_fr       VARCHAR NOT NULL,
    title_nl       VARCHAR NOT NULL,
    title_en       VARCHAR NOT NULL,
    summary_fr     VARCHAR NOT NULL,
    summary_nl     VARCHAR NOT NULL,
    summary_en     VARCHAR NOT NULL
);

-- the statuses of a tip criterion (data/catalog/tip_statuses.csv), lowest rank first: rank orders them
-- (a higher rank is further on; rank 0 'unknown' means no evidence), action_value is what the status adds
-- to the action score (done 1, in progress 0.5, others 0), counts_as_commitment whether it counts for the
-- commitment score (and needs an evidence link), icon and labels are how the app shows it, input_words
-- the words an assessment template may use for it besides the code (';'-separated, case aside)
CREATE TABLE tip_status (
    status               VARCHAR PRIMARY KEY,
    rank                 INTEGER NOT NULL UNIQUE CHECK (rank >= 0),
    action_value         DOUBLE NOT NULL CHECK (action_value BETWEEN 0 AND 1),
    counts_as_commitment BOOLEAN NOT NULL,
    icon                 VARCHAR NOT NULL,
    label_fr             VARCHAR NOT NULL,
    label_nl             VARCHAR NOT NULL,
    label_en             VARCHAR NOT NULL,
    input_words          VARCHAR NOT NULL
);

CREATE TABLE tip_criterion (
    criterion_id   VARCHAR PRIMARY KEY,
    tip_id         INTEGER NOT NULL REFERENCES tip (tip_id),
    label_fr       VARCHAR NOT NULL,
    label_nl       VARCHAR NOT NULL,
    label_en       VARCHAR NOT NULL,
    judged_fr      VARCHAR NOT NULL,
    judged_nl      VARCHAR NOT NULL,
    judged_en      VARCHAR NOT NULL,
    weight         DOUBLE NOT NULL CHECK (weight > 0),
    level          VARCHAR NOT NULL CHECK (level IN ('commune', 'cpas', 'region')),
    indicator_id   VARCHAR REFERENCES indicator (indicator_id)
);

-- append-only history: one row per commune x criterion x assessment date
CREATE TABLE tip_assessment (
    nis_code       VARCHAR NOT NULL REFERENCES commune (nis_code),
    criterion_id   VARCHAR NOT NULL REFERENCES tip_criterion (criterion_id),
    assessed_on    DATE NOT NULL,
    status         VARCHAR NOT NULL REFERENCES tip_status (status),
    evidence_url   VARCHAR,
    note           VARCHAR,
    source_id      VARCHAR REFERENCES source (source_id),
    quality        VARCHAR NOT NULL CHECK (quality IN ('official', 'reported', 'example')),
    input_file     VARCHAR NOT NULL,
    PRIMARY KEY (nis_code, criterion_id, assessed_on)
);

CREATE TABLE etl_run (
    run_id         VARCHAR PRIMARY KEY,
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP NOT NULL,
    status         VARCHAR NOT NULL CHECK (status IN ('ok', 'failed')),
    message        VARCHAR NOT NULL,
    boundaries     VARCHAR NOT NULL,
    with_example   BOOLEAN NOT NULL,          -- example data asked for (not --no-example)
    -- what became of each example part: included, left_out (real data of the same kind present: the two
    -- are never mixed) or off (not asked for, or no example file)
    example_members     VARCHAR NOT NULL DEFAULT 'off' CHECK (example_members IN ('included', 'left_out', 'off')),
    example_assessments VARCHAR NOT NULL DEFAULT 'off'
                        CHECK (example_assessments IN ('included', 'left_out', 'off'))
);

CREATE TABLE etl_input (
    run_id         VARCHAR NOT NULL REFERENCES etl_run (run_id),
    path           VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL CHECK (regexp_full_match(sha256, '[0-9a-f]{64}')),
    bytes          BIGINT NOT NULL,
    rows_read      BIGINT NOT NULL,
    PRIMARY KEY (run_id, path)
);

-- who reported an input that came through the review queue (etl/review.py), for the Data & sources page:
-- the organisation (or the federation's editors), when it was submitted and approved. No e-mail address: the
-- audit log with the users stays private, beside the archive.
CREATE TABLE input_provenance (
    input_file     VARCHAR PRIMARY KEY,
    kind           VARCHAR NOT NULL CHECK (kind IN ('members', 'assessments')),
    role           VARCHAR NOT NULL CHECK (role IN ('member', 'editor')),
    organisation   VARCHAR NOT NULL,
    submitted_at   TIMESTAMP NOT NULL,
    approved_at    TIMESTAMP NOT NULL,
    submission_id  VARCHAR NOT NULL
);

-- latest assessment per commune x criterion, with the one before it (what changed)
CREATE VIEW tip_assessment_latest AS
SELECT nis_code, criterion_id, assessed_on, status, evidence_url, note, source_id, quality, input_file,
       previous_on, previous_status, n_assessments
FROM (
    SELECT a.*,
           lag(assessed_on) OVER w AS previous_on,
           lag(status) OVER w AS previous_status,
           count(*) OVER (PARTITION BY nis_code, criterion_id) AS n_assessments,
           row_number() OVER (PARTITION BY nis_code, criterion_id ORDER BY assessed_on DESC) AS recency
    FROM tip_assessment a
    WINDOW w AS (PARTITION BY nis_code, criterion_id ORDER BY assessed_on)
) WHERE recency = 1;

-- member data (issue #4): yearly jobs per operator site, from the jobs template or the example set
CREATE TABLE operator_jobs (
    operator_id         VARCHAR NOT NULL REFERENCES operator (operator_id),
    year                INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    integration_workers DOUBLE CHECK (integration_workers >= 0),   -- persons in integration (not art. 60§7)
    art60_placements    DOUBLE CHECK (art60_placements >= 0),      -- persons placed under article 60§7
    fte                 DOUBLE CHECK (fte >= 0),                   -- full-time equivalents of the above
    exits_to_work       DOUBLE CHECK (exits_to_work >= 0),         -- persons who left for a job or qualifying training
    source_id           VARCHAR NOT NULL REFERENCES source (source_id),
    quality             VARCHAR NOT NULL CHECK (quality IN ('official', 'reported', 'example')),
    input_file          VARCHAR NOT NULL,
    PRIMARY KEY (operator_id, year),
    CHECK (coalesce(integration_workers, art60_placements, fte, exits_to_work) IS NOT NULL)
);

-- fill-in templates offered for download by the app (data/templates/), and their documentation
CREATE TABLE template_file (
    file_name      VARCHAR PRIMARY KEY,
    template       VARCHAR NOT NULL,
    format         VARCHAR NOT NULL CHECK (format IN ('csv', 'xlsx')),
    content        BLOB NOT NULL,
    sha256         VARCHAR NOT NULL CHECK (regexp_full_match(sha256, '[0-9a-f]{64}'))
);

CREATE TABLE template_doc (
    doc_id         VARCHAR PRIMARY KEY,
    markdown       VARCHAR NOT NULL
);
