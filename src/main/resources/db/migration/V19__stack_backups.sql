-- Backups of the data in users' stacks (issue 24): one row per backup file under backups.dir. A row is RUNNING from
-- before its file is begun until it is DONE (the file renamed into place) or FAILED (with the end of the output
-- that says why); a RUNNING row found at start-up belonged to a Berth that died mid-backup and becomes FAILED.
-- Rows outlive their stack (stack_id becomes NULL), so a deleted stack's backups can still be restored into a new
-- stack until backups.keep_deleted_days; owner and stack_name say whose they were.
CREATE TABLE stack_backups (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    stack_id    BIGINT        REFERENCES stacks(id) ON DELETE SET NULL,
    owner       VARCHAR(255)  NOT NULL,
    stack_name  VARCHAR(63)   NOT NULL,
    template    VARCHAR(63)   NOT NULL,
    file        VARCHAR(255)  NOT NULL,
    reason      VARCHAR(16)   NOT NULL,
    state       VARCHAR(16)   NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at TIMESTAMP WITH TIME ZONE,
    bytes       BIGINT,
    output      VARCHAR(8192)
);
CREATE INDEX stack_backups_by_stack ON stack_backups(owner, stack_name, started_at);
CREATE INDEX stack_backups_by_state ON stack_backups(state);
