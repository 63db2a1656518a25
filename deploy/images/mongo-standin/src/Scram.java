import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** The server side of SCRAM-SHA-256, as MongoDB speaks it (the password itself, no digest, for SHA-256). */
final class Scram {
    static final String MECHANISM = "SCRAM-SHA-256";
    private static final int ITERATIONS = 15000; // MongoDB's default for SCRAM-SHA-256
    private static final SecureRandom RANDOM = new SecureRandom();

    record Credential(String user, byte[] salt, byte[] storedKey, byte[] serverKey) {
        static Credential of(String user, String password) {
            byte[] salt = new byte[28];
            RANDOM.nextBytes(salt);
            byte[] salted = pbkdf2(password, salt);
            return new Credential(user, salt, sha256(hmac(salted, "Client Key")), hmac(salted, "Server Key"));
        }
    }

    /** One exchange: client-first → server-first, client-final → server-final. */
    static final class Conversation {
        private final Credential credential;
        private String clientFirstBare;
        private String serverFirst;
        private String nonce;
        private boolean finished;

        Conversation(Credential credential) {
            this.credential = credential;
        }

        String first(String clientFirst) {
            if (!clientFirst.startsWith("n,")) {
                throw new IllegalArgumentException("channel binding is not supported");
            }
            clientFirstBare = clientFirst.substring(clientFirst.indexOf(',', 2) + 1);
            Map<Character, String> attrs = attributes(clientFirstBare);
            String user = attrs.getOrDefault('n', "").replace("=2C", ",").replace("=3D", "=");
            if (!user.equals(credential.user()) || !attrs.containsKey('r')) {
                throw new IllegalArgumentException("unknown user " + user);
            }
            byte[] mine = new byte[24];
            RANDOM.nextBytes(mine);
            nonce = attrs.get('r') + Base64.getEncoder().encodeToString(mine);
            serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credential.salt()) + ",i=" + ITERATIONS;
            return serverFirst;
        }

        String last(String clientFinal) {
            if (serverFirst == null) {
                throw new IllegalArgumentException("saslContinue before saslStart");
            }
            int proofAt = clientFinal.lastIndexOf(",p=");
            if (proofAt < 0) {
                throw new IllegalArgumentException("no proof");
            }
            Map<Character, String> attrs = attributes(clientFinal);
            if (!nonce.equals(attrs.get('r'))) {
                throw new IllegalArgumentException("nonce mismatch");
            }
            String authMessage = clientFirstBare + "," + serverFirst + "," + clientFinal.substring(0, proofAt);
            byte[] proof = Base64.getDecoder().decode(attrs.get('p'));
            byte[] signature = hmac(credential.storedKey(), authMessage);
            if (proof.length != signature.length) {
                throw new IllegalArgumentException("bad proof");
            }
            byte[] clientKey = new byte[proof.length];
            for (int i = 0; i < proof.length; i++) {
                clientKey[i] = (byte) (proof[i] ^ signature[i]);
            }
            if (!MessageDigest.isEqual(sha256(clientKey), credential.storedKey())) {
                throw new IllegalArgumentException("wrong password for " + credential.user());
            }
            finished = true;
            return "v=" + Base64.getEncoder().encodeToString(hmac(credential.serverKey(), authMessage));
        }

        boolean finished() {
            return finished;
        }
    }

    private static Map<Character, String> attributes(String message) {
        Map<Character, String> attrs = new HashMap<>();
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(1) == '=') {
                attrs.put(part.charAt(0), part.substring(2));
            }
        }
        return attrs;
    }

    private static byte[] pbkdf2(String password, byte[] salt) {
        try {
            var spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
