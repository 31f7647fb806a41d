package io.shmtel.schema.layout;

import java.util.List;
import java.util.Optional;

/**
 * The language-neutral layout IR of a schema: what {@code core} maps and what the generators
 * emit. Everything in it follows from the schema alone, so a C program can find a record from its
 * generated header and check {@link #fingerprint()} against the region header.
 *
 * @param source         the file the schema came from, for generated-code headers
 * @param canonicalJson  the canonical schema text embedded in every region of this layout
 * @param headerLength   bytes before the first record block (a page multiple)
 * @param regionLength   total region bytes (a page multiple)
 * @param fingerprint    FNV-1a 64 of the canonical layout text (see {@link Fingerprint})
 */
public record Layout(String schemaName, int schemaVersion, String description, String source,
        List<RecordLayout> records, String canonicalJson, long headerLength, long regionLength, long fingerprint) {

    public Optional<RecordLayout> record(String name) {
        return records.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** The canonical layout text hashed into {@link #fingerprint()}. */
    public String canonicalLayoutText() {
        StringBuilder sb = new StringBuilder("shmtel-layout ").append(RegionHeaderDescriptor.FORMAT_MAJOR)
                .append(" schema ").append(schemaName).append('\n');
        for (RecordLayout r : records) {
            sb.append(r.canonicalText());
        }
        return sb.toString();
    }
}
