package io.berth.api;

import java.util.List;

/** {@code POST /api/v1/tokens}: a name, scopes, and days until it expires (0: never; default 90). */
record TokenRequest(String name, List<String> scopes, Integer expiresDays) { }
