package io.shmtel.foxglove;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.Publisher;
import io.shmtel.core.region.PlantedFiles;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A FIFO planted at a region name while {@code serve} runs (issue 23, hole 9): its scan used to
 * block in the open of the FIFO, freezing every channel. Now the FIFO is refused at once, logged
 * once, and the other regions are served and new ones advertised.
 */
@ExtendWith(ShmDirectory.class)
class PlantedFifoServeTest {
    static final Layout ARM = LayoutCompiler.compile(SchemaParser.parse(Path.of("../schema/examples/arm.json")));
    static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aPlantedFifoFreezesNothingAndOtherRegionsAreStillServed(RegionOptions options) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        List<Path> fifos = new ArrayList<>();
        try (Publisher arm = Publisher.create("arm", ARM, options);
                CounterFeed feed = new CounterFeed(arm, "joint_state", 200)) {
            FoxgloveServer server = FoxgloveServer.start(ServerConfig.defaults(options).withPort(0)
                    .withScanPeriod(Duration.ofMillis(50)), log::add);
            try (WsClient client = WsClient.connect(server.address().getPort())) {
                client.subscribe(1, client.awaitChannel("arm/joint_state", WAIT));
                assertThat(client.nextSample(1, WAIT)).isNotNull();
                Path fifo = options.regionDirectory().file("a-trap");
                fifos.add(PlantedFiles.mkfifo(fifo));
                Thread.sleep(300); // several scans meet the FIFO
                client.samples.clear();
                assertThat(client.nextSample(1, WAIT)).as("arm still served after the FIFO was planted").isNotNull();
                try (Publisher later = Publisher.create("later", ARM, options);
                        CounterFeed laterFeed = new CounterFeed(later, "joint_state", 200)) {
                    assertThat(client.awaitChannel("later/joint_state", WAIT)).isPositive();
                }
                String refusal = "region a-trap not served: region \"a-trap\": " + fifo
                        + " is not a regular file (a FIFO,"
                        + " mode 010644); shmtel opens only regular files in the region directory: remove it (rm "
                                + fifo + ")";
                assertThat(log).as("said once, not every scan").containsOnlyOnce(refusal);
            } finally {
                PlantedFiles.release(fifos); // before the fix: lets the stuck scan go, so that close returns
                server.close();
            }
        }
    }
}
