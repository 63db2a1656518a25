-- PostgreSQL twin of db/migration/V2__parameters_secrets_ports.sql (H2): keep the two in step; only the identity columns differ.
-- What a stack was launched with: parameter values and generated secrets. Kept so that every start of the stack
-- (after a stop, or a restart of Berth) renders the same containers.
CREATE TABLE stack_values (
    stack_id BIGINT        NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
    kind     VARCHAR(8)    NOT NULL, -- 'param' or 'secret'
    name     VARCHAR(40)   NOT NULL,
    val      VARCHAR(4096) NOT NULL, -- "value" is reserved in H2
    PRIMARY KEY (stack_id, kind, name)
);

-- TCP ports of a running stack published on the host for clients outside Berth (compute nodes).
CREATE TABLE published_ports (
    stack_id       BIGINT      NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
    service        VARCHAR(63) NOT NULL,
    container_port INT         NOT NULL,
    host_port      INT         NOT NULL,
    PRIMARY KEY (stack_id, service, container_port)
);
