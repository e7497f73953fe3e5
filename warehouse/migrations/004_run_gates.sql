-- 004: the quality gates each run was checked against, so a report regenerated later
-- shows the limits in force at the time and why a run failed.
CREATE TABLE IF NOT EXISTS run_gates (
    run_id       VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,    -- e.g. max_quarantine_rate
    description  VARCHAR NOT NULL,
    value        DOUBLE,              -- NULL when the run had nothing to measure
    limit_value  DOUBLE NOT NULL,
    breached     BOOLEAN NOT NULL,
    enforced     BOOLEAN NOT NULL,    -- false below gate_min_documents new documents
    PRIMARY KEY (run_id, name)
);
