-- Parts whose submit got no answer (Store.rememberUnknownSubmission): a receipt whose remote id we never learned is
-- matched to one of them by connector, handset and text. Rare rows, written outside the write queue; purged with
-- their message (by the creation time in id_hi).
CREATE TABLE unknown_submissions (
    connector    VARCHAR NOT NULL,
    handset      VARCHAR NOT NULL,
    id_hi        BIGINT NOT NULL,
    id_lo        BIGINT NOT NULL,
    part         INTEGER NOT NULL,
    parts        INTEGER NOT NULL,
    excerpt      VARCHAR NOT NULL,
    submitted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (connector, handset, id_hi, id_lo, part)
);
