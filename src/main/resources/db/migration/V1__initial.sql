-- Users: local accounts now, SSO accounts later (password_hash null).
CREATE TABLE users (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    username      VARCHAR(64)  NOT NULL UNIQUE,
    password_hash VARCHAR(255),
    is_admin      BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Sessions survive a restart of Berth; the cookie holds a random id, the table only its SHA-256.
CREATE TABLE sessions (
    id_hash      VARCHAR(64) PRIMARY KEY,
    user_id      BIGINT      NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   VARCHAR(64) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE stacks (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    owner_id   BIGINT       NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       VARCHAR(63)  NOT NULL,
    template   VARCHAR(63)  NOT NULL,
    state      VARCHAR(16)  NOT NULL,
    reason     VARCHAR(4000),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT stacks_owner_name UNIQUE (owner_id, name)
);

-- One row per HTTP service of a stack: where the proxy sends its traffic (target known once it runs).
CREATE TABLE routes (
    stack_id    BIGINT      NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
    service     VARCHAR(63) NOT NULL,
    mode        VARCHAR(8)  NOT NULL,
    target_host VARCHAR(255),
    target_port INT,
    PRIMARY KEY (stack_id, service)
);

-- What happened to a stack, in order: progress while starting, state changes, failures.
CREATE TABLE events (
    id       BIGINT AUTO_INCREMENT PRIMARY KEY,
    stack_id BIGINT       NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
    at       TIMESTAMP WITH TIME ZONE NOT NULL,
    message  VARCHAR(4000) NOT NULL
);
CREATE INDEX events_stack ON events(stack_id, id);
