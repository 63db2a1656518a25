package io.berth.model;

/**
 * A person who can log in. {@code username} is the account's key ({@code auth.Names}): what URLs, labels and container
 * names use. {@code displayName} is the name as the identity provider spells it ({@code Dana.Smith}), null for local
 * accounts and group accounts. {@code passwordHash} is null for accounts that only sign in through SSO. {@code email}:
 * the provider's verified address, or null (local accounts; providers that did not verify one).
 */
public record User(long id, String username, boolean admin, String passwordHash, String displayName, String email) {
    public User(long id, String username, boolean admin, String passwordHash) {
        this(id, username, admin, passwordHash, null, null);
    }

    public User(long id, String username, boolean admin, String passwordHash, String displayName) {
        this(id, username, admin, passwordHash, displayName, null);
    }

    /** Whether this is a person or a group's account ({@code @<group>}, which nobody signs in as). */
    public OwnerKind kind() {
        return OwnerKind.of(username);
    }

    /** The name to show people: the provider's spelling when there is one, else the key. */
    public String shownName() {
        return displayName != null && !displayName.isBlank() ? displayName : username;
    }
}
