-- What each service used (issue 23): per stack, service and hour, its twelve five-minute points packed as floats
-- (usage/HourBlock: 288 bytes). A week is kept (older rows are deleted hourly); rows go with their stack.
CREATE TABLE usage_hours (
    stack_id   BIGINT      NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
    service    VARCHAR(64) NOT NULL,
    hour_start BIGINT      NOT NULL,
    points     BYTEA       NOT NULL,
    PRIMARY KEY (stack_id, service, hour_start)
);
CREATE INDEX usage_hours_by_hour ON usage_hours(hour_start);
