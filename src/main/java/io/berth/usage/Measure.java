package io.berth.usage;

/**
 * What a usage point holds, one float each: CPU in cores, memory (working set) in bytes, and network and block I/O
 * in bytes per second. A five-minute point keeps the mean of its readings, except memory, which keeps the highest:
 * a service near its limit for a minute is what a user needs to see.
 */
public enum Measure {
    CPU_CORES, MEMORY_BYTES, NET_RX_PER_SECOND, NET_TX_PER_SECOND, BLOCK_READ_PER_SECOND, BLOCK_WRITE_PER_SECOND;

    /** How many measures a point holds. */
    public static final int COUNT = values().length;

    /** Whether a coarser point keeps the highest value of its readings rather than their mean. */
    boolean peak() {
        return this == MEMORY_BYTES;
    }
}
