package io.shmtel.foxglove;

import io.shmtel.core.view.DynamicView;
import io.shmtel.schema.FieldType;
import io.shmtel.schema.gen.JsonSchemaGenerator;
import io.shmtel.schema.gen.Ros2MsgGenerator;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** How samples are sent: the channel's message and schema encodings, and the encoder of one sample. */
public enum MessageEncoding {
    /** JSON objects with the record's JSON Schema: Foxglove, the built-in page, anything that reads JSON. */
    JSON("json", "jsonschema"),
    /**
     * ROS 2 CDR (little-endian XCDR1) with the record as a ROS 2 message definition: for clients that take
     * only ROS 2 data, such as PlotJuggler's Foxglove client; Foxglove reads it too.
     */
    CDR("cdr", "ros2msg");

    public final String messageEncoding;
    public final String schemaEncoding;

    MessageEncoding(String messageEncoding, String schemaEncoding) {
        this.messageEncoding = messageEncoding;
        this.schemaEncoding = schemaEncoding;
    }

    String schemaName(Layout layout, RecordLayout record) {
        return this == JSON ? layout.schemaName() + "." + record.name() : Ros2MsgGenerator.typeName(layout, record);
    }

    String schema(Layout layout, RecordLayout record) {
        return this == JSON ? JsonSchemaGenerator.recordSchema(layout, record)
                : Ros2MsgGenerator.definition(layout, record);
    }

    /** Turns samples of one record into messages; one per channel, used by one thread. */
    Encoder encoder(RecordLayout record) {
        return this == JSON ? new JsonEncoder() : new CdrEncoder(record);
    }

    /** Turns a sample, with its time (nanoseconds since the Unix epoch), into a message. */
    interface Encoder {
        byte[] encode(DynamicView sample, long timestampNs);
    }

    private static final class JsonEncoder implements Encoder {
        private final StringBuilder json = new StringBuilder(256);

        @Override
        public byte[] encode(DynamicView sample, long timestampNs) {
            json.setLength(0);
            sample.appendJsonFields(json.append('{')).append('}');
            return json.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Fields in order, each aligned to its size from the end of the 4-byte encapsulation header. */
    private static final class CdrEncoder implements Encoder {
        private final ByteBuffer out;

        CdrEncoder(RecordLayout record) {
            int bound = 4;
            for (FieldLayout f : record.fields()) {
                int n = f.isArray() ? f.count() : 1;
                bound += f.type() == FieldType.STRING ? n * (3 + 4 + f.length() + 1) : 7 + n * f.type().sizeBytes();
            }
            out = ByteBuffer.allocate(bound).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public byte[] encode(DynamicView sample, long timestampNs) {
            out.clear();
            out.put((byte) 0).put((byte) 1).put((byte) 0).put((byte) 0); // CDR_LE, no options
            for (FieldLayout f : sample.fields()) {
                int n = f.isArray() ? f.count() : 1;
                for (int i = 0; i < n; i++) {
                    switch (f.type()) {
                        case BOOL -> out.put((byte) (sample.integer(f, i) != 0 ? 1 : 0));
                        case I8, U8 -> out.put((byte) sample.integer(f, i));
                        case I16, U16 -> align(2).putShort((short) sample.integer(f, i));
                        case I32, U32 -> align(4).putInt((int) sample.integer(f, i));
                        case I64 -> align(8).putLong(sample.integer(f, i));
                        case F32 -> align(4).putFloat((float) sample.number(f, i));
                        case F64 -> align(8).putDouble(sample.number(f, i));
                        case STRING -> {
                            byte[] text = sample.text(f).getBytes(StandardCharsets.UTF_8);
                            align(4).putInt(text.length + 1).put(text).put((byte) 0);
                        }
                    }
                }
            }
            return Arrays.copyOf(out.array(), out.position());
        }

        private ByteBuffer align(int size) {
            while ((out.position() - 4) % size != 0) {
                out.put((byte) 0);
            }
            return out;
        }
    }
}
