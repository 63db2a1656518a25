package io.berth.testing;

import java.util.List;

/**
 * The engine as a one-node Swarm, for tests of the Swarm backend. {@link #ensure()} reuses a swarm that is already
 * active (someone else's: it is never left) and otherwise makes this engine a manager; {@link #close()} leaves only
 * a swarm this object created, so a run never takes down a swarm it found.
 */
public final class SwarmNode implements AutoCloseable {
    private final boolean initialisedHere;

    private SwarmNode(boolean initialisedHere) {
        this.initialisedHere = initialisedHere;
    }

    /** An active swarm on the engine: the one there, or a new one advertised on loopback (one node, no peers). */
    public static SwarmNode ensure() {
        String state = state();
        switch (state) {
            case "active":
                return new SwarmNode(false);
            case "inactive":
                TestDocker.run(List.of("docker", "swarm", "init", "--advertise-addr", "127.0.0.1"));
                return new SwarmNode(true);
            default: // pending, error, locked: not ours to repair
                throw new IllegalStateException("the engine's swarm is \"" + state + "\", neither active nor inactive;"
                        + " a test will not touch it (docker info: " + TestDocker.run(List.of("docker", "info",
                        "--format", "{{json .Swarm}}")).trim() + ")");
        }
    }

    /** {@code docker info}'s LocalNodeState: inactive, pending, active, error or locked. */
    public static String state() {
        return TestDocker.run(List.of("docker", "info", "--format", "{{.Swarm.LocalNodeState}}")).trim();
    }

    /** Whether {@link #ensure()} made the swarm (and {@link #close()} will leave it). */
    public boolean initialisedHere() {
        return initialisedHere;
    }

    /** Leaves the swarm if this object created it; a swarm found active stays as it was. */
    @Override
    public void close() {
        if (initialisedHere && state().equals("active")) {
            TestDocker.run(List.of("docker", "swarm", "leave", "--force"));
        }
    }
}
