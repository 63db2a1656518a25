package io.berth.web;

import io.berth.config.BerthConfig;
import io.berth.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS on Berth's own port from PEM files as certbot and most CAs hand them out ({@code server.tls.certificate},
 * {@code server.tls.key}). The files are read at start (a broken or mismatched pair stops Berth with the file at
 * fault) and checked every {@code reload_seconds}: a renewed certificate is taken without a restart, open
 * connections keep theirs.
 */
final class TlsConnector {
    private static final Logger LOG = LoggerFactory.getLogger(TlsConnector.class);
    private static final char[] ENTRY_PASSWORD = "berth".toCharArray(); // in memory only; Jetty's API wants one

    private TlsConnector() { }

    static Connector create(Server server, HttpConfiguration plain, BerthConfig.Server config) {
        Path certificate = Path.of(config.tls.certificate);
        Path key = Path.of(config.tls.key);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore(certificate, key));
        ssl.setKeyStorePassword(new String(ENTRY_PASSWORD));
        HttpConfiguration https = new HttpConfiguration(plain);
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
        connector.setHost(config.host);
        connector.setPort(config.port);
        if (config.tls.reloadSeconds > 0) {
            watch(ssl, certificate, key, config.tls.reloadSeconds, server);
        }
        return connector;
    }

    /** Re-reads both files when either changed since the last look; a bad new pair is logged and the old one kept. */
    private static void watch(SslContextFactory.Server ssl, Path certificate, Path key, int seconds, Server server) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "berth-tls-reload");
            t.setDaemon(true);
            return t;
        });
        FileTime[] seen = {modified(certificate, key)};
        timer.scheduleWithFixedDelay(() -> {
            FileTime now = modified(certificate, key);
            if (now == null || now.equals(seen[0])) {
                return;
            }
            try {
                KeyStore renewed = keyStore(certificate, key);
                ssl.reload(f -> f.setKeyStore(renewed));
                seen[0] = now;
                LOG.info("TLS certificate reloaded from {}", certificate);
            } catch (Exception e) {
                LOG.warn("TLS certificate files changed but cannot be used ({}); keeping the current one", e.getMessage());
            }
        }, seconds, seconds, TimeUnit.SECONDS);
        server.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(org.eclipse.jetty.util.component.LifeCycle event) {
                timer.shutdownNow();
            }
        });
    }

    private static FileTime modified(Path certificate, Path key) {
        try {
            FileTime a = Files.getLastModifiedTime(certificate);
            FileTime b = Files.getLastModifiedTime(key);
            return a.compareTo(b) > 0 ? a : b;
        } catch (IOException e) {
            return null; // mid-renewal: look again next time
        }
    }

    static KeyStore keyStore(Path certificate, Path key) {
        List<Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter certificates = new JcaX509CertificateConverter();
        for (Object o : pem(certificate, "server.tls.certificate")) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    chain.add(certificates.getCertificate(holder));
                } catch (GeneralSecurityException e) {
                    throw new ConfigException("server.tls.certificate " + certificate + ": " + e.getMessage());
                }
            }
        }
        if (chain.isEmpty()) {
            throw new ConfigException("server.tls.certificate " + certificate + " holds no PEM certificate");
        }
        PrivateKey privateKey = privateKey(key);
        if (!matches(chain.get(0), privateKey)) {
            throw new ConfigException("server.tls.key " + key + " is not the key of the first certificate in "
                    + certificate);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("berth", privateKey, ENTRY_PASSWORD, chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("server.tls: " + certificate + " and " + key + " do not make a key pair: "
                    + e.getMessage());
        }
    }

    private static PrivateKey privateKey(Path key) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : pem(key, "server.tls.key")) {
            try {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                } else if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new ConfigException("server.tls.key " + key + " is encrypted; Berth needs it unencrypted "
                            + "(readable only by Berth's user): openssl pkey -in " + key + " -out key.pem");
                }
            } catch (IOException e) {
                throw new ConfigException("server.tls.key " + key + ": " + e.getMessage());
            }
        }
        throw new ConfigException("server.tls.key " + key + " holds no PEM private key");
    }

    private static List<Object> pem(Path file, String name) {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                objects.add(o);
            }
        } catch (IOException e) {
            throw new ConfigException(name + " " + file + " cannot be read: " + e.getMessage());
        }
        return objects;
    }

    /** Signs and verifies a probe: the one check that works for RSA and EC keys alike. */
    private static boolean matches(Certificate certificate, PrivateKey key) {
        if (!key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
            return false;
        }
        try {
            String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            byte[] probe = "berth".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            signer.update(probe);
            byte[] signature = signer.sign();
            signer.initVerify(certificate.getPublicKey());
            signer.update(probe);
            return signer.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
