//! The database schema, version [`SCHEMA_VERSION`] (`PRAGMA user_version`).

/// The schema version this bridge creates and requires.
pub const SCHEMA_VERSION: i64 = 1;

/// Creates every table. MES-owned tables carry no uniqueness constraints on purpose: a real MES
/// may hold bad master data, and it is the bridge's job to refuse it at load.
pub const CREATE: &str = r#"
-- MES-owned: written by the MES (the scenarios), only read by the bridge.
CREATE TABLE IF NOT EXISTS equipment (
    equipment_id TEXT PRIMARY KEY,      -- MES work center
    description  TEXT,
    area         TEXT
);
CREATE TABLE IF NOT EXISTS job_orders (
    order_id         TEXT PRIMARY KEY,
    operation        TEXT,
    part_number      TEXT,
    revision         TEXT,
    batch            TEXT,              -- material lot / batch
    equipment_id     TEXT,              -- work center the order is dispatched to
    status           TEXT,              -- planned | released | running | held | completed | closed
    planned_quantity INTEGER
);
CREATE TABLE IF NOT EXISTS equipment_mapping (
    device_id   TEXT,                   -- Sparkplug group/edge/device, or OPC UA device id
    work_center TEXT,                   -- equipment.equipment_id
    asset_id    TEXT                    -- maintenance (CMMS) asset id
);

-- Bridge-owned.
CREATE TABLE IF NOT EXISTS production_events (
    id            INTEGER PRIMARY KEY,
    order_id      TEXT NOT NULL,
    operation     TEXT NOT NULL,
    part_number   TEXT NOT NULL,
    revision      TEXT NOT NULL,
    serial        TEXT NOT NULL,
    batch         TEXT NOT NULL,
    equipment_id  TEXT NOT NULL,
    asset_id      TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    result        TEXT NOT NULL CHECK (result IN ('good', 'reject')),
    source_time   TEXT NOT NULL,
    source_ts_ms  INTEGER NOT NULL,
    received_time TEXT NOT NULL,
    historical    INTEGER NOT NULL CHECK (historical IN (0, 1)),
    cycle_time_ms INTEGER,
    origin        TEXT NOT NULL,
    UNIQUE (order_id, operation, serial)
);
CREATE INDEX IF NOT EXISTS production_events_by_time ON production_events (equipment_id, source_ts_ms);
CREATE TABLE IF NOT EXISTS downtime_events (
    id            INTEGER PRIMARY KEY,
    equipment_id  TEXT NOT NULL,
    asset_id      TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    reason_code   TEXT NOT NULL,
    start_time    TEXT NOT NULL,
    start_ts_ms   INTEGER NOT NULL,
    end_time      TEXT,
    end_ts_ms     INTEGER,
    duration_ms   INTEGER,
    historical    INTEGER NOT NULL CHECK (historical IN (0, 1)),
    received_time TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS order_events (
    id            INTEGER PRIMARY KEY,
    order_id      TEXT NOT NULL,
    event_type    TEXT NOT NULL,        -- completion_reported: for the MES to act on
    equipment_id  TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    source_time   TEXT NOT NULL,
    received_time TEXT NOT NULL,
    historical    INTEGER NOT NULL CHECK (historical IN (0, 1))
);
CREATE TABLE IF NOT EXISTS quarantine (
    id            INTEGER PRIMARY KEY,
    received_time TEXT NOT NULL,
    reason_code   TEXT NOT NULL,
    origin        TEXT NOT NULL,        -- sparkplug | opcua
    device_id     TEXT,
    topic         TEXT,
    reason        TEXT NOT NULL,        -- for humans
    message       TEXT NOT NULL,        -- the message as received (JSON)
    details       TEXT                  -- JSON
);
CREATE TABLE IF NOT EXISTS bridge_log (
    id     INTEGER PRIMARY KEY,
    time   TEXT NOT NULL,
    level  TEXT NOT NULL,
    event  TEXT NOT NULL,
    detail TEXT
);
"#;
