package io.shmtel.tools;

import io.shmtel.core.Clocks;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.DynamicView;
import io.shmtel.schema.layout.FieldLayout;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * How {@code shmtel echo} prints a sample, one line each: text or a JSON object ({@code --json}), the fields
 * chosen ({@code --field}, {@code --no-arrays}), arrays cut at {@code --max-array} elements, the timestamp as
 * CLOCK_MONOTONIC nanoseconds or as local wall-clock time ({@code --wall-clock}).
 */
final class EchoFormat {
    static final int DEFAULT_TEXT_MAX_ARRAY = 32;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final DateTimeFormatter WALL_CLOCK = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXX",
            Locale.ROOT);

    private final boolean json;
    private final boolean wallClock;
    private final Integer maxArray;
    /** The offset between CLOCK_MONOTONIC and wall-clock time, taken when echo starts. */
    private final long epochOffsetNs = Clocks.monotonicToEpochOffsetNs();
    private List<FieldLayout> shownFields = List.of();

    /** {@code maxArray}: {@code --max-array}, or null for the default. */
    EchoFormat(boolean json, boolean wallClock, Integer maxArray) {
        this.json = json;
        this.wallClock = wallClock;
        this.maxArray = maxArray;
    }

    /** The fields to print of the record now shown, in this order. */
    void show(List<FieldLayout> fields) {
        shownFields = fields;
    }

    /**
     * The line of a sample: {@code consistent} is whether it followed the counter pattern (true when not checked);
     * {@code checked} whether echo checks it ({@code --check}: JSON then says {@code "consistent"}).
     */
    String line(String regionName, Subscriber subscriber, DynamicView view, WriterState state, boolean checked,
            boolean consistent) {
        return json ? json(regionName, subscriber, view, state, checked ? consistent : null) : text(view, consistent);
    }

    /** The most array elements printed: --max-array, else all of them in JSON and 32 in text. */
    private int maxArrayElements() {
        return maxArray != null ? maxArray : json ? Integer.MAX_VALUE : DEFAULT_TEXT_MAX_ARRAY;
    }

    private String time(DynamicView view) {
        if (!wallClock) {
            return Long.toString(view.timestampNs());
        }
        long epochNs = view.timestampNs() + epochOffsetNs;
        return WALL_CLOCK.format(Instant.ofEpochSecond(Math.floorDiv(epochNs, NANOS_PER_SECOND),
                Math.floorMod(epochNs, NANOS_PER_SECOND)).atZone(ZoneId.systemDefault()));
    }

    private String text(DynamicView view, boolean consistent) {
        StringBuilder sb = view.appendText(new StringBuilder(), shownFields, maxArrayElements());
        // the timestamp after the sample number, as users read it first
        int afterIndex = sb.indexOf(" ", view.recordName().length() + 2);
        sb.insert(afterIndex < 0 ? sb.length() : afterIndex, " t=" + time(view));
        if (!consistent) {
            sb.append("  <- NOT the counter pattern");
        }
        return sb.toString();
    }

    private String json(String regionName, Subscriber subscriber, DynamicView view, WriterState state,
            Boolean consistent) {
        int maxArrayElements = maxArrayElements();
        StringBuilder fields = view.appendJsonFields(new StringBuilder("{"), shownFields, maxArrayElements).append('}');
        return Json.object(g -> {
            g.writeStringField("region", regionName);
            g.writeStringField("record", view.recordName());
            g.writeNumberField("sample", view.sampleIndex());
            g.writeNumberField("seq", view.sequence());
            g.writeNumberField("timestampNs", view.timestampNs());
            if (wallClock) {
                g.writeStringField("wallClock", time(view));
            }
            g.writeNumberField("epoch", subscriber.epoch());
            g.writeStringField("state", state.name());
            if (subscriber.lostSamples() > 0) {
                g.writeNumberField("lost", subscriber.lostSamples());
            }
            if (consistent != null) {
                g.writeBooleanField("consistent", consistent);
            }
            g.writeFieldName("fields");
            g.writeRawValue(fields.toString());
            if (shownFields.stream().anyMatch(f -> f.count() > maxArrayElements)) {
                g.writeObjectFieldStart("truncated"); // elements left out of each cut array
                for (FieldLayout f : shownFields) {
                    if (f.count() > maxArrayElements) {
                        g.writeNumberField(f.name(), f.count() - maxArrayElements);
                    }
                }
                g.writeEndObject();
            }
        });
    }
}
