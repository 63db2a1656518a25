package io.berth.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Docker Swarm, with {@code backend: swarm}: each stack becomes Swarm services on an overlay network of its own, and
 * {@code docker.host} must be a manager. Berth itself must run in a container on a manager node: it attaches that
 * container to each stack's network, because the proxy reaches services at their addresses on it. Everything of
 * {@code docker:} applies as well (names, labels, timeouts, limits), except {@code publish_host}: Swarm publishes on
 * every address of a node.
 */
public final class Swarm {
    /**
     * Berth's own container (name or id), which is attached to each stack's network. Empty: found by itself, from
     * the container it runs in.
     */
    public String berthContainer = "";
    /**
     * Whether services use Swarm's routing mesh: a virtual IP per service, and TCP ports published on every node
     * (so a compute node may connect to any node, and the port survives a move to another node). Needs IPVS in the
     * nodes' kernels. {@code false}: DNS round robin and ports published only on the node that runs the task.
     */
    public boolean routingMesh = true;
    /** Placement constraints of every service ({@code node.role==worker}); a template may add its own. */
    public List<String> placement = new ArrayList<>();
    /**
     * Whether each service reserves the CPU and memory its template limits it to, so Swarm places it only on a node
     * with that much unreserved; {@code false}: limits only, nodes may be over-committed.
     */
    public boolean reserve = true;
    /**
     * Volume driver of the stacks' named volumes, created on whichever node runs the service. {@code local} keeps
     * data on that node (pin such services with placement); a driver of shared storage lets them move.
     */
    public String volumeDriver = "local";
}
