package io.berth.backend;

import io.berth.model.StackRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Predictable, DNS-safe names for the objects a backend creates: {@code <prefix>-<user>--<stack>} for a stack's
 * network and {@code <prefix>-<user>--<stack>--<service>} for its containers. Each part is escaped like
 * dockerspawner's {@code escapism}: lower-case letters and digits stay, every other byte becomes {@code -xx} (hex), so
 * {@code --} can only be a separator and two different inputs never share a name. Names longer than a DNS label
 * (63) keep their first 52 characters and end in a hash of the whole.
 *
 * <p>Volumes carry the marker {@code -vol} before their last separator: {@code <prefix>-<user>--<stack>-vol--<volume>}
 * for a stack-scoped volume, {@code <prefix>-<user>-vol--<volume>} for an owner-scoped one. Why no two objects of any
 * kind share a name: in an escaped part every {@code -} is followed by two hex digits, so after the fixed
 * {@code <prefix>-} a name reads left to right as a unique sequence of tokens: {@code --} (separator; a part never
 * holds one, nor ends in {@code -}), {@code -xx} (an escaped byte), {@code -vol} (the marker: {@code v} is no hex
 * digit, so no part can hold it) and plain characters. The kinds differ in their token shapes (network: part sep
 * part; container: part sep part sep part; stack volume: part sep part marker sep part; owner volume: part marker sep
 * part), and the parts are recovered from the tokens, so equal names mean equal kind and equal inputs.
 */
public final class ObjectNames {
    static final int MAX_LENGTH = 63;
    private static final int KEEP = 52;
    /** Marks a volume's name: {@code -v} never occurs in an escaped part, where {@code -} precedes two hex digits. */
    private static final String VOLUME_MARKER = "-vol";

    private ObjectNames() { }

    public static String network(String prefix, StackRef ref) {
        return limit(escape(prefix) + "-" + escape(ref.owner()) + "--" + escape(ref.stack()));
    }

    public static String container(String prefix, StackRef ref, String service) {
        return limit(escape(prefix) + "-" + escape(ref.owner()) + "--" + escape(ref.stack()) + "--" + escape(service));
    }

    /**
     * The Docker name of a named volume: {@code <prefix>-<user>--<stack>-vol--<volume>} when {@code scope} is
     * {@code STACK}, {@code <prefix>-<user>-vol--<volume>} (the stack left out) when it is {@code OWNER}.
     */
    public static String volume(String prefix, StackRef ref, StackSpec.VolumeScope scope, String volume) {
        String owner = escape(prefix) + "-" + escape(ref.owner());
        String scoped = scope == StackSpec.VolumeScope.STACK ? owner + "--" + escape(ref.stack()) : owner;
        return limit(scoped + VOLUME_MARKER + "--" + escape(volume));
    }

    /** Escapes one part: {@code [a-z0-9]} kept, every other UTF-8 byte written as {@code -xx}. */
    public static String escape(String part) {
        StringBuilder out = new StringBuilder(part.length() + 8);
        for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.append(c);
            } else {
                out.append('-').append(HexFormat.of().toHexDigits(b));
            }
        }
        return out.toString();
    }

    private static String limit(String name) {
        if (name.length() <= MAX_LENGTH) {
            return name;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return name.substring(0, KEEP) + "--h" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
