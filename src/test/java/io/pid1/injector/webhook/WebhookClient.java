package io.pid1.injector.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pid1.injector.tls.TlsMaterial;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Talks to the webhook as kube-apiserver does: HTTPS (HTTP/2 when offered), trusting only the CA
 * that signed the server's certificate, host name checked.
 */
final class WebhookClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;

    WebhookClient(URI base, Path caFile, String... protocols) throws Exception {
        this.base = base;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .sslContext(trusting(TlsMaterial.readFrom(caFile.getParent())))
                .connectTimeout(Duration.ofSeconds(30));
        if (protocols.length > 0) {
            // Own SSLParameters replace the client's ALPN offer: such a client speaks HTTP/1.1 only.
            SSLParameters parameters = new SSLParameters();
            parameters.setProtocols(protocols);
            builder.sslParameters(parameters);
        }
        this.http = builder.build();
    }

    /** A client of the server under test ({@code base} from {@code @TestHTTPResource(tls = true)}) by its name. */
    static WebhookClient local(URI base) throws Exception {
        return new WebhookClient(
                URI.create("https://localhost:" + base.getPort() + "/"), TlsFiles.dir.resolve(TlsMaterial.CA_FILE));
    }

    /** A TLS context that trusts only the CAs of {@code materials}. */
    static SSLContext trusting(TlsMaterial... materials) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < materials.length; i++) {
            trust.setCertificateEntry("ca" + i, materials[i].ca());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return post(path, body, Duration.ofSeconds(30));
    }

    HttpResponse<String> post(String path, String body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, */*")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> post(String path, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Posts {@code body} over HTTP/1.1 without a length: chunked. */
    HttpResponse<String> postChunked(String path, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Posts a review of {@code pod} to {@code path} and returns the response object, checked for shape. */
    JsonNode review(String path, JsonNode pod) throws IOException, InterruptedException {
        ObjectNode review = review(pod);
        HttpResponse<String> response = post(path + "?timeout=5s", review.toString());
        if (response.statusCode() != 200) {
            throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
        }
        JsonNode body = JSON.readTree(response.body());
        JsonNode answer = body.path("response");
        if (!answer.path("uid")
                        .asText()
                        .equals(review.path("request").path("uid").asText())
                || !answer.path("allowed").asBoolean(false)
                || !body.path("apiVersion").asText().equals("admission.k8s.io/v1")
                || !body.path("kind").asText().equals("AdmissionReview")) {
            throw new AssertionError(
                    "not an allowed AdmissionReview answer with the request's uid: " + response.body());
        }
        return answer;
    }

    /** A pod-CREATE review as kube-apiserver writes it. */
    static ObjectNode review(JsonNode pod) {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request");
        request.put("uid", UUID.randomUUID().toString());
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        request.set("requestKind", request.get("kind").deepCopy());
        request.set("requestResource", request.get("resource").deepCopy());
        request.put("name", pod.path("metadata").path("name").asText(""));
        request.put("namespace", "shop");
        request.put("operation", "CREATE");
        request.putObject("userInfo").put("username", "system:serviceaccount:kube-system:replicaset-controller");
        request.set("object", pod);
        request.putNull("oldObject");
        request.put("dryRun", false);
        request.putObject("options").put("apiVersion", "meta.k8s.io/v1").put("kind", "CreateOptions");
        return review;
    }

    /** The decoded JSON Patch of an answer, or {@code null} when there is none. */
    static JsonNode patch(JsonNode answer) throws IOException {
        if (!answer.hasNonNull("patch")) {
            return null;
        }
        if (!answer.path("patchType").asText().equals("JSONPatch")) {
            throw new AssertionError("patch without patchType JSONPatch: " + answer);
        }
        return JSON.readTree(Base64.getDecoder().decode(answer.path("patch").asText()));
    }
}
