package io.pid1.injector.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A token service for docker-registry's {@code auth: token} on 127.0.0.1: checks basic credentials and issues
 * RS256 JWTs granting the scopes asked, signed by a key whose self-signed certificate the registry trusts
 * ({@code rootcertbundle}) and which travels in the token's {@code x5c} header.
 */
final class TokenServer implements AutoCloseable {

    static final String ISSUER = "pid1-test-issuer";
    static final String SERVICE = "pid1-test-registry";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final HttpServer server;
    private final KeyPair key;
    private final X509Certificate certificate;
    private final String expectedAuthorization;
    private final AtomicInteger issued = new AtomicInteger();

    TokenServer(String user, String password) throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        key = generator.generateKeyPair();
        certificate = selfSigned(key);
        expectedAuthorization =
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::token);
        server.start();
    }

    /** Where the registry sends clients for a token. */
    String realm() {
        return "http://" + host() + "/token";
    }

    /** {@code 127.0.0.1:port} of the token service. */
    String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Writes the PEM certificate the registry trusts. */
    Path writeRootBundle(Path file) throws IOException, GeneralSecurityException {
        Files.writeString(
                file,
                "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        return file;
    }

    /** Tokens issued so far. */
    int issued() {
        return issued.get();
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (!expectedAuthorization.equals(authorization)) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            ObjectNode claims = JSON.createObjectNode();
            ArrayNode access = claims.putArray("access");
            for (String param : Optional.ofNullable(exchange.getRequestURI().getRawQuery())
                    .orElse("")
                    .split("&")) {
                if (param.startsWith("scope=")) {
                    String[] scope = URLDecoder.decode(param.substring(6), StandardCharsets.UTF_8)
                            .split(":");
                    ArrayNode actions = access.addObject()
                            .put("type", scope[0])
                            .put("name", scope[1])
                            .putArray("actions");
                    for (String action : scope[2].split(",")) {
                        actions.add(action);
                    }
                }
            }
            long now = Instant.now().getEpochSecond();
            claims.put("iss", ISSUER)
                    .put("sub", "alice")
                    .put("aud", SERVICE)
                    .put("exp", now + 300)
                    .put("nbf", now - 10)
                    .put("iat", now)
                    .put("jti", UUID.randomUUID().toString());
            byte[] body = JSON.writeValueAsBytes(
                    JSON.createObjectNode().put("token", jwt(claims)).put("expires_in", 300));
            issued.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private String jwt(ObjectNode claims) throws IOException, GeneralSecurityException {
        ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
        header.putArray("x5c").add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
        String signed = URL.encodeToString(JSON.writeValueAsBytes(header)) + "."
                + URL.encodeToString(JSON.writeValueAsBytes(claims));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key.getPrivate());
        signature.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + URL.encodeToString(signature.sign());
    }

    private static X509Certificate selfSigned(KeyPair key) throws GeneralSecurityException {
        X500Name name = new X500Name("CN=pid1 test token signer");
        Instant now = Instant.now();
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(new JcaX509v3CertificateBuilder(
                                    name,
                                    BigInteger.valueOf(now.toEpochMilli()),
                                    Date.from(now.minus(Duration.ofHours(1))),
                                    Date.from(now.plus(Duration.ofDays(1))),
                                    name,
                                    key.getPublic())
                            .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
