package io.berth.model;

/** Names one stack: its owner's user name and the stack's name, both as Berth stores them (not escaped). */
public record StackRef(String owner, String stack) {
    @Override
    public String toString() {
        return owner + "/" + stack;
    }
}
