package io.shmtel.bench.harness;

import io.shmtel.bridge.ReceiverBridge;
import io.shmtel.bridge.ReceiverConfig;
import io.shmtel.bridge.SenderBridge;
import io.shmtel.bridge.SenderConfig;
import io.shmtel.bridge.Transports;
import io.shmtel.bridge.spi.Transport;
import io.shmtel.core.region.RegionOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One end of the bridge scenario, with the bridge's default settings (runs with Aeron's JVM flag):
 * <pre>
 *   send DIR PORT [REGION]   forwards region REGION (default "oneway") of DIR to 127.0.0.1:PORT
 *   receive DIR PORT         mirrors what arrives on 127.0.0.1:PORT into DIR
 * </pre>
 * READY once started; on STOP (or end of input) it stops and reports its counts, then DONE.
 */
public final class BridgeChild {
    private BridgeChild() {}

    public static void main(String[] args) throws Exception {
        RegionOptions options = RegionOptions.defaults().withDirectory(Path.of(args[1]));
        String channel = "aeron:udp?endpoint=127.0.0.1:" + args[2];
        try (Transport transport = Transports.provider("aeron").open(Map.of(), System.err::println)) {
            if (args[0].equals("send")) {
                String region = args.length > 3 ? args[3] : "oneway";
                SenderBridge sender = SenderBridge.start(SenderConfig.of("bench", List.of(region), channel,
                        SenderConfig.DEFAULT_STREAM, options), transport, System.err::println);
                Child.ready();
                awaitStop();
                sender.close();
                Child.metric("sent", sender.sent());
                Child.metric("lost_at_sender", sender.lostAtSender());
            } else {
                ReceiverBridge receiver = ReceiverBridge.start(ReceiverConfig.of("bench", channel,
                        SenderConfig.DEFAULT_STREAM, "", options), transport, System.err::println);
                Child.ready();
                awaitStop();
                receiver.close();
                Child.metric("received", receiver.received());
            }
        }
        System.out.println("DONE");
        System.out.flush();
    }

    private static void awaitStop() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("STOP")) {
            // wait
        }
    }
}
