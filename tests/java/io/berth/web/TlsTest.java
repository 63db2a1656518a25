package io.berth.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.config.BerthConfig;
import io.berth.config.ConfigException;
import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS served by Berth from certbot-style PEM files; renewed files are picked up without a restart. */
class TlsTest {
    @TempDir
    Path dir;

    @Test
    void serves_https_with_secure_cookies_and_takes_a_renewed_certificate_without_restart() throws Exception {
        Path cert = dir.resolve("fullchain.pem");
        Path key = dir.resolve("privkey.pem");
        selfSigned(cert, key, "rsa:2048");
        try (BerthInstance berth = new BerthInstance()) {
            BerthConfig config = berth.config();
            config.server.tls.certificate = cert.toString();
            config.server.tls.key = key.toString();
            config.server.tls.reloadSeconds = 1;
            berth.startOnLoopback(config, 9); // no services needed
            String url = berth.url().replace("http:", "https:");
            int port = URI.create(url).getPort();
            BigInteger first = servedSerial(port);

            HttpClient https = HttpClient.newBuilder().sslContext(trusting(cert)).build();
            HttpResponse<String> login = https.send(HttpRequest.newBuilder(URI.create(url + "/login")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(login.body()).contains("Log in to Berth");
            HttpResponse<String> plain = null;
            try {
                plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(berth.url() + "/login"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException refused) {
                // plain HTTP on the TLS port fails outright: fine
            }
            assertThat(plain == null || plain.statusCode() == 400).as("no plain HTTP on the TLS port").isTrue();
            PortalClient admin = new PortalClient(url, trusting(cert)).login("admin", BerthInstance.ADMIN_PASSWORD);
            assertThat(admin.cookieHeader()).startsWith("__Host-berth_session="); // the HTTPS name, Secure
            HttpResponse<String> dashboard = admin.get("/dashboard");
            assertThat(dashboard.statusCode()).isEqualTo(200);
            assertThat(dashboard.headers().firstValue("Strict-Transport-Security")).as("HSTS over HTTPS")
                    .hasValue("max-age=31536000");

            selfSigned(cert, key, "ec"); // certbot renewed: new key, new certificate, same paths
            Stacks.waitUntil(() -> !servedSerial(port).equals(first), Duration.ofSeconds(15));
            assertThat(servedSerial(port)).isNotEqualTo(first);
        }
    }

    @Test
    void a_broken_or_mismatched_pair_stops_berth_naming_the_file() throws Exception {
        Path cert = dir.resolve("a.pem");
        Path key = dir.resolve("a.key");
        selfSigned(cert, key, "rsa:2048");
        Path otherCert = dir.resolve("b.pem");
        Path otherKey = dir.resolve("b.key");
        selfSigned(otherCert, otherKey, "ec");
        assertThatThrownBy(() -> TlsConnector.keyStore(cert, otherKey)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not the key of the first certificate in " + cert);
        assertThatThrownBy(() -> TlsConnector.keyStore(key, key)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.tls.certificate " + key + " holds no PEM certificate");
        assertThatThrownBy(() -> TlsConnector.keyStore(cert, cert)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.tls.key " + cert + " holds no PEM private key");
        assertThatThrownBy(() -> TlsConnector.keyStore(dir.resolve("missing.pem"), key))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot be read");
    }

    /** openssl, as an operator would make a test certificate; {@code kind} rsa:2048 or ec (P-256). */
    private static void selfSigned(Path cert, Path key, String kind) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "req", "-x509", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString()));
        if (kind.equals("ec")) {
            command.addAll(List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"));
        } else {
            command.addAll(List.of("-newkey", kind));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    private static SSLContext trusting(Path... certs) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Path cert : certs) {
            try (InputStream in = Files.newInputStream(cert)) {
                trust.setCertificateEntry("c" + i++, CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** The serial number of the certificate the server presents now (trusting whatever it presents). */
    private static BigInteger servedSerial(int port) {
        try {
            SSLContext any = SSLContext.getInstance("TLS");
            any.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) { }
                public void checkServerTrusted(X509Certificate[] c, String a) { }
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            try (SSLSocket socket = (SSLSocket) any.getSocketFactory().createSocket("127.0.0.1", port)) {
                socket.startHandshake();
                return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
