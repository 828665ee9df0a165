-- Named progress marks of background scans (Store.mark / Store.saveMark): the expiry sweeper's watermarks, so a
-- restarted node goes on from where its sweeper stopped instead of scanning all kept messages once more.
CREATE TABLE progress_marks (
    mark_name VARCHAR NOT NULL PRIMARY KEY,
    mark_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
