package io.shmtel.foxglove;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every file of the built-in page ({@link WebHandler#ASSETS}) over HTTP, and every file the page loads is one. */
@ExtendWith(ShmDirectory.class)
class WebAssetsTest {
    static final Pattern LOADED = Pattern.compile("(?:src|href)=\"(/[^\"]*)\"");

    @Test
    void everyAssetIsServedAndEveryFileThePageLoadsIsAnAsset(RegionOptions options) throws Exception {
        try (FoxgloveServer server = FoxgloveServer.start(ServerConfig.defaults(options).withPort(0), line -> { })) {
            HttpClient http = HttpClient.newHttpClient();
            for (Map.Entry<String, WebHandler.Asset> e : WebHandler.ASSETS.entrySet()) {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.address().getPort() + e.getKey())).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
                assertThat(r.headers().firstValue("content-type")).as(e.getKey()).hasValue(e.getValue().contentType());
                assertThat(r.body()).as(e.getKey()).isEqualTo(e.getValue().bytes()).isNotEmpty();
            }
        }
        String page = new String(WebHandler.ASSETS.get("/").bytes(), StandardCharsets.UTF_8);
        Matcher m = LOADED.matcher(page);
        int loaded = 0;
        while (m.find()) {
            assertThat(WebHandler.ASSETS).as("the page loads " + m.group(1)).containsKey(m.group(1));
            loaded++;
        }
        assertThat(loaded).as("uPlot's script and style sheet, scene3d.js and app.js").isEqualTo(4);
    }
}
