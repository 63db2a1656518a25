package io.berth.auth;

import io.berth.model.BerthException;
import io.berth.model.User;
import io.berth.store.UserStore;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Local accounts: creating them, checking passwords, and the first admin. */
public final class Accounts {
    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);
    /**
     * User names: they appear in URLs ({@code /user/<name>/…}) and, escaped, in container names. Lower case; letters,
     * digits and {@code . _ @ -}; starting with a letter or digit (so never "." or "..").
     */
    public static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");
    public static final String ADMIN = "admin";

    private final UserStore users;

    public Accounts(UserStore users) {
        this.users = users;
    }

    /** The user whose password this is, or empty (same cost either way). */
    public Optional<User> authenticate(String username, String password) {
        if (username == null || password == null) {
            return Optional.empty();
        }
        Optional<User> user = users.byName(username.trim().toLowerCase(Locale.ROOT));
        boolean ok = Passwords.verify(password, user.map(User::passwordHash).orElse(null));
        return ok ? user : Optional.empty();
    }

    public User create(String username, String password, boolean admin) {
        String name = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(name).matches()) {
            throw BerthException.badRequest("username",
                    "A user name is 1-64 characters: lower-case letters, digits and . _ @ -, starting with a letter or digit.");
        }
        if (password == null || password.length() < Passwords.MIN_LENGTH) {
            throw BerthException.badRequest("password",
                    "A password has at least " + Passwords.MIN_LENGTH + " characters.");
        }
        if (users.byName(name).isPresent()) {
            throw BerthException.conflict("username", "The user name \"" + name + "\" is taken.");
        }
        User user = users.create(name, Passwords.hash(password), admin);
        LOG.info("user \"{}\" created{}", name, admin ? " (admin)" : "");
        return user;
    }

    /**
     * Creates the {@value #ADMIN} account on first start: with {@code presetPassword} when given
     * ({@code BERTH_ADMIN_PASSWORD}), otherwise with a random one printed once to the console.
     */
    public void ensureAdmin(String presetPassword) {
        if (users.anyAdmin()) {
            return;
        }
        boolean random = presetPassword == null || presetPassword.isEmpty();
        String password = random ? Sessions.randomToken().substring(0, 20) : presetPassword;
        if (users.byName(ADMIN).isPresent()) {
            throw new IllegalStateException("a user \"admin\" exists but no admin does; fix the users table");
        }
        users.create(ADMIN, Passwords.hash(password), true);
        if (random) {
            // Printed, not logged: it must not end up in log files, and it is shown only this once.
            System.out.println("""

                    ==================================================================
                      Berth created the account "admin" with the password:
                          %s
                      It is shown only this once. Set BERTH_ADMIN_PASSWORD to choose it.
                    ==================================================================
                    """.formatted(password));
        } else {
            LOG.info("account \"admin\" created with the password from BERTH_ADMIN_PASSWORD");
        }
    }
}
