package io.berth.web;

import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.berth.testing.ApiCalls;
import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.TestDocker;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Site services on real parts (Docker, the demo image's header echo, the portal over HTTP): an admin runs a service
 * once for the group lqcd; its members find it under "Site services" and reach it at /site/…, told who they are by
 * headers a client cannot forge and by a JWT that verifies against /.well-known/jwks.json; everyone else gets 404; a
 * non-admin cannot launch one by any door; a bad audience names the field.
 */
class SiteServicesTest {
    private static final String WHOAMI = """
            name: whoami
            title: Who am I
            owner_kinds: [site]
            services:
              web:
                image: berth/demo:latest
                command: [nc, -ll, -p, "8080", -e, /echo-headers]
                expose: [{http: 8080, identity: headers}]
            """;
    private static final String ECHO = """
            name: echo
            title: Header echo (no identity)
            owner_kinds: [user, site]
            services:
              web:
                image: berth/demo:latest
                command: [nc, -ll, -p, "8080", -e, /echo-headers]
                expose: [{http: 8080}]
            """;

    private static BerthInstance berth;
    private static PortalClient admin;
    private static PortalClient bob;
    private static PortalClient carol;

    @BeforeAll
    static void start() throws Exception {
        TestDocker.ensureDemoImage();
        berth = new BerthInstance();
        berth.template("whoami.yaml", WHOAMI);
        berth.template("echo.yaml", ECHO);
        berth.start();
        admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        berth.member(admin, "alice", "lqcd");
        bob = berth.member(admin, "bob", "lqcd");
        carol = berth.member(admin, "carol");

        admin.get("/catalog");
        HttpResponse<String> made = admin.post("/stacks", Map.of("template", "whoami", "name", "who",
                "group", "_site", "audience", "lqcd"));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(302);
        assertThat(made.headers().firstValue("Location")).hasValue("/stacks/_site/who");
        assertThat(waitForState(admin, "/stacks/_site/who", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
    }

    @AfterAll
    static void stop() {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void members_of_the_audience_find_and_open_it_and_others_get_404_everywhere() {
        assertThat(bob.get("/dashboard").body()).contains("Site services").contains("id=\"site-who\"")
                .contains("href=\"/site/who/web/\"");
        assertThat(bob.get("/site/who/web/").statusCode()).isEqualTo(200);

        assertThat(carol.get("/dashboard").body()).doesNotContain("site-who");
        assertThat(carol.get("/site/who/web/").statusCode()).isEqualTo(404);
        assertThat(carol.get("/stacks/_site/who").statusCode()).isEqualTo(404);
        assertThat(ApiCalls.call(berth.url(), carol.createToken("carol-cli", "read launch"), "GET", "/stacks/_site/who", null)
                .statusCode()).isEqualTo(404);
        assertThat(bob.get("/stacks/_site/who").statusCode()).as("the audience opens it, it does not manage it")
                .isEqualTo(404);
        assertThat(bob.get("/user/_site/who/web/").statusCode()).as("one URL only").isEqualTo(404);
    }

    @Test
    void the_service_learns_who_calls_and_a_client_cannot_forge_it() throws Exception {
        String echoed = raw("/site/who/web/", bob, "X-Forwarded-User: mallory\r\nx-forwarded-user: eve\r\n"
                + "X-FORWARDED-GROUPS: admins\r\nX-Auth-Request-User: root\r\nRemote-User: root\r\n"
                + "X-Berth-Identity: forged.jwt.value\r\n");

        assertThat(echoed).contains("X-Forwarded-User: bob\n").contains("X-Forwarded-Groups: lqcd\n");
        assertThat(echoed).doesNotContain("mallory", "eve", "admins", "root", "forged.jwt.value");
        assertThat(Pattern.compile("(?im)^x-forwarded-user:").matcher(echoed).results().count()).isEqualTo(1);

        Matcher jwt = Pattern.compile("(?m)^X-Berth-Identity: (\\S+)$").matcher(echoed);
        assertThat(jwt.find()).as(echoed).isTrue();
        JWTClaimsSet claims = verify(jwt.group(1));
        assertThat(claims.getSubject()).isEqualTo("bob");
        assertThat(claims.getStringListClaim("groups")).containsExactly("lqcd");
        assertThat(claims.getAudience()).containsExactly(berth.url() + "/site/who/web/");
        assertThat(claims.getIssuer()).isEqualTo(berth.url());
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                .isLessThanOrEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void a_route_that_asked_for_no_identity_gets_no_forged_one_either() throws Exception {
        bob.get("/catalog");
        assertThat(bob.post("/stacks", Map.of("template", "echo", "name", "plain")).statusCode()).isEqualTo(302);
        assertThat(waitForState(bob, "/stacks/bob/plain", "READY", Duration.ofSeconds(30))).isEqualTo("READY");

        String echoed = raw("/user/bob/plain/web/", bob, "X-Forwarded-User: admin\r\nX-Remote-User: admin\r\n"
                + "X-Berth-Identity: forged\r\n");

        assertThat(echoed).startsWith("GET /user/bob/plain/web/ HTTP/1.1");
        assertThat(echoed.toLowerCase()).doesNotContain("x-forwarded-user", "x-remote-user", "x-berth-identity");
    }

    @Test
    void nobody_but_an_admin_launches_a_site_service_by_page_form_replay_or_api() throws Exception {
        PortalClient alice = new PortalClient(berth.url()).login("alice", "alice-password");
        String catalog = alice.get("/catalog").body();
        assertThat(catalog).doesNotContain("value=\"_site\"").contains("Admins run this template as a site service");

        HttpResponse<String> replay = alice.post("/stacks", Map.of("template", "echo", "name", "mine",
                "group", "_site", "audience", "everyone"));
        assertThat(replay.statusCode()).isEqualTo(403);
        assertThat(replay.body()).contains("Only Berth's admins launch site services.");

        String token = alice.createToken("alice-cli", "read launch");
        HttpResponse<String> api = ApiCalls.call(berth.url(), token, "POST", "/stacks",
                "{\"template\": \"echo\", \"name\": \"mine\", \"site\": true, \"audience\": [\"everyone\"]}");
        assertThat(api.statusCode()).as(api.body()).isEqualTo(403);
        assertThat(admin.get("/stacks/_site/mine").statusCode()).isEqualTo(404);
    }

    @Test
    void a_bad_audience_or_a_template_not_for_the_site_is_refused_naming_the_field() {
        admin.get("/catalog");
        HttpResponse<String> unknown = admin.post("/stacks", Map.of("template", "echo", "name", "ghosts",
                "group", "_site", "audience", "lqcd, no-such-group"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("There is no group \"no-such-group\"");
        assertThat(admin.get("/stacks/_site/ghosts").statusCode()).as("nothing launched").isEqualTo(404);

        String token = admin.createToken("site-cli", "read launch");
        HttpResponse<String> nobody = ApiCalls.call(berth.url(), token, "POST", "/stacks",
                "{\"template\": \"echo\", \"name\": \"ghosts\", \"site\": true, \"audience\": []}");
        assertThat(nobody.statusCode()).as("the API's answer to a well-formed body it cannot do").isEqualTo(422);
        assertThat(nobody.body()).contains("\"field\":\"audience\"");

        HttpResponse<String> personal = ApiCalls.call(berth.url(), token, "POST", "/stacks",
                "{\"template\": \"whoami\", \"name\": \"mine\"}");
        assertThat(personal.statusCode()).isEqualTo(422);
        assertThat(personal.body()).contains("\"field\":\"group\"").contains("is not launched for one person");
        assertThat(admin.get("/dashboard").statusCode()).as("the portal keeps serving").isEqualTo(200);
    }

    @Test
    void taking_a_group_out_of_the_audience_closes_the_service_to_its_members_at_once() {
        admin.get("/catalog");
        assertThat(admin.post("/stacks", Map.of("template", "echo", "name", "brief", "group", "_site",
                "audience", "lqcd")).statusCode()).isEqualTo(302);
        assertThat(waitForState(admin, "/stacks/_site/brief", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        assertThat(bob.get("/site/brief/web/").statusCode()).isEqualTo(200);

        admin.get("/stacks/_site/brief");
        assertThat(admin.post("/stacks/_site/brief/shares/group/lqcd/revoke", Map.of()).statusCode()).isEqualTo(302);
        assertThat(bob.get("/site/brief/web/").statusCode()).isEqualTo(404);

        assertThat(admin.get("/stacks/_site/brief").body()).contains("<h2>Audience</h2>").contains("id=\"share-everyone\"");
        assertThat(admin.post("/stacks/_site/brief/shares", Map.of("kind", "everyone")).headers()
                .firstValue("Location").orElseThrow()).contains("Open+to+everyone");
        assertThat(carol.get("/site/brief/web/").statusCode()).as("now everyone signed in").isEqualTo(200);
        assertThat(new PortalClient(berth.url()).get("/site/brief/web/").statusCode()).as("not the anonymous")
                .isEqualTo(302);
    }

    /** Checks {@code token} against the key set Berth publishes, as a service would, and returns its claims. */
    private static JWTClaimsSet verify(String token) throws Exception {
        JWKSet keys = JWKSet.parse(new PortalClient(berth.url()).get("/.well-known/jwks.json").body());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(keys)));
        return processor.process(token, null);
    }

    /** One GET written byte for byte (header names in any case, repeated), as {@code client}; the answer's body. */
    private static String raw(String path, PortalClient client, String extraHeaders) throws Exception {
        URI base = URI.create(berth.url());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nCookie: "
                    + client.cookieHeader() + "\r\n" + extraHeaders + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            assertThat(text).as(text).startsWith("HTTP/1.1 200");
            return text.substring(text.indexOf("\r\n\r\n") + 4);
        }
    }
}
