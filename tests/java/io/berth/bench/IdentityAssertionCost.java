package io.berth.bench;

import io.berth.config.BerthConfig;
import io.berth.config.Identity;
import io.berth.identity.IdentityAssertions;
import io.berth.identity.SigningKeys;
import io.berth.store.Database;
import io.berth.store.SigningKeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * What an identity assertion costs the proxy per request: a fresh ES256 signature ({@code sign}) against a reused
 * token ({@code headerValue}, the proxy's call), on a real H2 store. Prints microseconds per call after a warm-up.
 * Args: CALLS (default 20000). Run: {@code java -cp "target/classes:target/test-classes:<deps>"
 * io.berth.bench.IdentityAssertionCost} (the class path as in deploy/bench/launch-bench.sh).
 */
public final class IdentityAssertionCost {
    private IdentityAssertionCost() { }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path home = Files.createTempDirectory("berth-identity-bench");
        BerthConfig.Store store = new BerthConfig.Store();
        store.url = "jdbc:h2:file:" + home.resolve("berth");
        try (Database db = new Database(store)) {
            Identity config = new Identity();
            SigningKeys keys = new SigningKeys(new SigningKeyStore(db.jdbi()), config, Clock.systemUTC());
            keys.refresh();
            IdentityAssertions identity = new IdentityAssertions(keys, config, () -> "https://apps.example.org",
                    Clock.systemUTC());
            List<String> groups = List.of("lqcd", "hpc", "users");
            for (int round = 0; round < 2; round++) { // the first round warms up the JIT
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    identity.sign("alice", groups, "alice@example.org", "/user/alice/lab/web/");
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    identity.headerValue("user" + (i % 100), groups, "alice@example.org", "/user/alice/lab/web/");
                }
                long t2 = System.nanoTime();
                System.out.printf("round %d: sign %.1f us/call, cached headerValue (100 callers) %.2f us/call%n", round,
                        (t1 - t0) / 1e3 / calls, (t2 - t1) / 1e3 / calls);
            }
        }
    }
}
