package io.shmtel.schema.layout;

import io.shmtel.schema.FieldDef;
import io.shmtel.schema.RecordDef;
import io.shmtel.schema.SchemaDef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a validated schema into its {@link Layout}.
 *
 * <ul>
 *   <li>Fields sit at natural alignment (their element size) in declaration order; the payload is
 *       rounded up to its largest alignment, as a C compiler lays out the same struct.
 *   <li>A slot is {@code [seq u64][timestamp u64][payload]} rounded up to a multiple of 64.
 *   <li>Record blocks follow the header in declaration order, each 64-byte aligned; the header
 *       (fixed part, record table, canonical schema text) is rounded up to whole pages.
 * </ul>
 */
public final class LayoutCompiler {

    private LayoutCompiler() {}

    public static Layout compile(SchemaDef schema) {
        String canonical = CanonicalJson.write(schema);
        int canonicalBytes = canonical.getBytes(StandardCharsets.UTF_8).length;
        long headerLength = RegionHeaderDescriptor.headerLength(schema.records().size(), canonicalBytes);

        List<RecordLayout> records = new ArrayList<>();
        long blockOffset = headerLength;
        for (int i = 0; i < schema.records().size(); i++) {
            RecordDef def = schema.records().get(i);
            List<FieldLayout> fields = placeFields(def.fields());
            int payload = Math.toIntExact(payloadLength(def.fields()));
            int slot = Math.toIntExact(SlotDescriptor.slotLength(payload));
            long blockLength = RecordBlockDescriptor.blockLength(def.depth(), slot);
            RecordLayout partial = new RecordLayout(i, def.name(), def.depth(), def.rateHz(), def.description(),
                    fields, payload, slot, blockOffset, blockLength, 0, def.sync());
            long fingerprint = Fingerprint.fnv1a64(partial.canonicalText());
            records.add(new RecordLayout(i, def.name(), def.depth(), def.rateHz(), def.description(), fields,
                    payload, slot, blockOffset, blockLength, fingerprint, def.sync(), def.wellKnown()));
            blockOffset = SlotDescriptor.align(blockOffset + blockLength, SlotDescriptor.CACHE_LINE_LENGTH);
        }
        long regionLength = SlotDescriptor.align(blockOffset, RegionHeaderDescriptor.PAGE_LENGTH);
        Layout partial = new Layout(schema.name(), schema.version(), schema.description(), schema.source(),
                records, canonical, headerLength, regionLength, 0);
        long fingerprint = Fingerprint.fnv1a64(partial.canonicalLayoutText());
        return new Layout(schema.name(), schema.version(), schema.description(), schema.source(), List.copyOf(records),
                canonical, headerLength, regionLength, fingerprint);
    }

    /** Payload bytes of a record with these fields: naturally aligned, rounded to the largest alignment. */
    public static long payloadLength(List<FieldDef> fields) {
        long end = 0;
        int maxAlignment = 1;
        for (FieldDef f : fields) {
            int alignment = f.type().sizeBytes();
            maxAlignment = Math.max(maxAlignment, alignment);
            end = SlotDescriptor.align(end, alignment) + f.sizeBytes();
        }
        return SlotDescriptor.align(end, maxAlignment);
    }

    /** Slot bytes for a payload; see {@link SlotDescriptor#slotLength(long)}. */
    public static long slotLength(long payloadLength) {
        return SlotDescriptor.slotLength(payloadLength);
    }

    private static List<FieldLayout> placeFields(List<FieldDef> defs) {
        List<FieldLayout> fields = new ArrayList<>();
        long offset = 0;
        for (FieldDef f : defs) {
            offset = SlotDescriptor.align(offset, f.type().sizeBytes());
            fields.add(new FieldLayout(f.name(), f.type(), f.count(), f.length(), Math.toIntExact(offset),
                    Math.toIntExact(f.sizeBytes()), f.unit(), f.description(), f.enumConstants()));
            offset += f.sizeBytes();
        }
        return List.copyOf(fields);
    }
}
