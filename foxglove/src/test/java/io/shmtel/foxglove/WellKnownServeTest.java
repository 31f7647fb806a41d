package io.shmtel.foxglove;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shmtel.core.Publisher;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.foxglove.wellknown.WellKnownEncoder;
import io.shmtel.foxglove.wellknown.WellKnownFixture;
import io.shmtel.foxglove.wellknown.WellKnownSchemas;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.wellknown.WellKnownDef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code serve} with a record annotated with a well-known mapping of every type (issue 27): a channel per
 * mapping beside the raw one, with Foxglove's schema names, carrying the encoder's message of the sample written,
 * and withdrawn with the region.
 */
@ExtendWith(ShmDirectory.class)
class WellKnownServeTest {
    static final Layout PROBE = WellKnownFixture.annotated();
    static final RecordLayout RECORD = PROBE.record("probe").orElseThrow();
    static final Duration WAIT = Duration.ofSeconds(10);
    static final long K = 7;

    final List<String> log = new CopyOnWriteArrayList<>();

    @Test
    void everyMappingIsAChannelBesideTheRecordWithFoxglovesSchemaAndTheSamplesMessage(RegionOptions options)
            throws Exception {
        for (MessageEncoding encoding : MessageEncoding.values()) {
            try (FoxgloveServer server = FoxgloveServer.start(ServerConfig.defaults(options).withPort(0)
                    .withEncoding(encoding).withScanPeriod(Duration.ofMillis(50)), log::add);
                    WsClient client = WsClient.connect(server.address().getPort())) {
                Map<String, JsonNode> advertised = new HashMap<>();
                List<Integer> ids = new ArrayList<>();
                try (Publisher publisher = Publisher.create("probe", PROBE, options)) {
                    WellKnownFixture.fill(new DynamicWriter(publisher.sink("probe"), RECORD), K).commit();
                    long until = System.nanoTime() + WAIT.toNanos();
                    while (advertised.size() < 1 + WellKnownFixture.SUFFIXES.size() && System.nanoTime() < until) {
                        JsonNode ad = client.next("advertise", WAIT);
                        ad.get("channels").forEach(c -> advertised.put(c.get("topic").asText(), c));
                    }
                    assertThat(advertised).as(encoding.name()).containsKey("probe/probe");
                    List<WellKnownDef> defs = RECORD.wellKnown();
                    for (int m = 0; m < defs.size(); m++) {
                        String topic = "probe/probe/" + WellKnownFixture.SUFFIXES.get(m);
                        JsonNode c = advertised.get(topic);
                        assertThat(c).as("%s channel %s among %s", encoding, topic, advertised.keySet()).isNotNull();
                        assertThat(c.get("schemaName").asText())
                                .isEqualTo(WellKnownSchemas.schemaName(defs.get(m).type(), encoding));
                        assertThat(c.get("encoding").asText()).isEqualTo(encoding.messageEncoding);
                        assertThat(c.get("schemaEncoding").asText()).isEqualTo(encoding.schemaEncoding);
                        assertThat(c.get("schema").asText())
                                .isEqualTo(WellKnownSchemas.schema(defs.get(m).type(), encoding));
                        ids.add(c.get("id").asInt());
                    }
                    if (encoding == MessageEncoding.JSON) {
                        // The sample written, as the encoder makes it at the time the server sent.
                        DynamicView expected = new DynamicView(RECORD).wrap(WellKnownFixture.sample(RECORD, K), 0);
                        for (int m = 0; m < defs.size(); m++) {
                            client.subscribe(100 + m, ids.get(m));
                            WsClient.Sample s = client.nextSample(100 + m, WAIT);
                            assertThat(s).as("a message of " + WellKnownFixture.SUFFIXES.get(m)).isNotNull();
                            byte[] want = WellKnownEncoder.create(RECORD, defs.get(m), encoding)
                                    .encode(expected, s.timestampNs());
                            assertThat(s.data()).isEqualTo(WsClient.JSON.readTree(want));
                        }
                    }
                }
                assertThat(Region.removeUnowned("probe", options)).isTrue();
                JsonNode gone = client.next("unadvertise", WAIT);
                List<Integer> withdrawn = new ArrayList<>();
                gone.get("channelIds").forEach(id -> withdrawn.add(id.asInt()));
                assertThat(withdrawn).as("withdrawn with the region").containsAll(ids)
                        .contains(advertised.get("probe/probe").get("id").asInt());
            }
        }
    }
}
