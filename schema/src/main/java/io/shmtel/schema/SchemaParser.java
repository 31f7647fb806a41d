package io.shmtel.schema;

import io.shmtel.schema.json.JsonProblems;
import io.shmtel.schema.json.Node;
import io.shmtel.schema.layout.LayoutCompiler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates schema files. Every problem in a file is collected and reported at once,
 * each located by line, column and JSON pointer, with the value found, what was expected and a
 * hint where one exists.
 *
 * <p>This class reads the file and its top level; {@link RecordParser} reads each record and
 * {@link FieldParser} each field (and its enum); the problems go to one {@link JsonProblems}.
 */
public final class SchemaParser {

    static final List<String> ROOT_KEYS = List.of("$schema", "schema", "version", "description", "records");

    private final String source;
    private final JsonProblems problems;

    private SchemaParser(String source) {
        this.source = source;
        this.problems = new JsonProblems(source, JsonProblems.Found.KIND_AND_VALUE);
    }

    /** Parses a schema file; the file name is used in messages and generated-code headers. */
    public static SchemaDef parse(Path file) {
        return parse(file, file.toString());
    }

    /** Parses a schema file, naming it {@code name} in messages and generated-code headers. */
    public static SchemaDef parse(Path file, String name) {
        JsonProblems unreadable = new JsonProblems(name, JsonProblems.Found.KIND_AND_VALUE);
        String text = unreadable.readText(file);
        if (text == null) {
            throw new SchemaException(unreadable.list());
        }
        return parse(text, name);
    }

    /** Parses schema text; {@code sourceName} names it in messages. */
    public static SchemaDef parse(String text, String sourceName) {
        SchemaParser parser = new SchemaParser(sourceName);
        Node root = parser.problems.read(text);
        SchemaDef schema = root == null ? null : parser.schema(root);
        if (!parser.problems.isEmpty()) {
            throw new SchemaException(parser.problems.inFileOrder());
        }
        return schema;
    }

    // ---------------------------------------------------------------- structure

    private SchemaDef schema(Node root) {
        if (!(root instanceof Node.ObjectNode obj)) {
            problems.problem(root, "expected a JSON object with the keys \"schema\", \"version\" and \"records\";"
                    + " found " + problems.describe(root));
            return null;
        }
        problems.keys(obj, ROOT_KEYS);
        if (obj.get("$schema") != null) {
            problems.string(obj, "$schema", false);
        }
        String name = IdentifierChecks.identifier(problems, obj, "schema", "schema name");
        Integer version = problems.integer(obj, "version", true, 1, Integer.MAX_VALUE, "e.g. \"version\": 1", null);
        String description = problems.text(obj, "description", SchemaLimits.MAX_TEXT_LENGTH);
        Node recordsNode = problems.require(obj, "records",
                "an array of records, e.g. \"records\": [{ \"name\": ..., \"fields\": [...] }]");
        List<RecordDef> records = records(recordsNode);
        if (name == null || version == null || !problems.isEmpty()) {
            return null;
        }
        SchemaDef schema = new SchemaDef(name, version, description, records, source);
        long regionLength = LayoutCompiler.compile(schema).regionLength();
        if (regionLength > SchemaLimits.MAX_REGION_BYTES) {
            problems.problem(recordsNode, "the region of this schema would be " + regionLength + " bytes; the limit is "
                    + SchemaLimits.MAX_REGION_BYTES + " bytes (1 GiB): lower depths or split the schema");
            return null;
        }
        return schema;
    }

    /** The valid records of the {@code "records"} array (none when it is missing: that problem is recorded). */
    private List<RecordDef> records(Node recordsNode) {
        List<RecordDef> records = new ArrayList<>();
        if (recordsNode == null) {
            return records;
        }
        if (!(recordsNode instanceof Node.ArrayNode array)) {
            problems.problem(recordsNode, "expected an array of records; found " + problems.describe(recordsNode));
        } else if (array.elements().isEmpty()) {
            problems.problem(array, "\"records\" must contain at least one record; found an empty array");
        } else {
            if (array.elements().size() > SchemaLimits.MAX_RECORDS) {
                problems.problem(array, "a schema may declare at most " + SchemaLimits.MAX_RECORDS + " records; found "
                        + array.elements().size() + ": split it into several schemas");
            }
            RecordParser recordParser = new RecordParser(problems);
            Map<String, Node> seen = new HashMap<>();
            for (Node element : array.elements()) {
                RecordDef record = recordParser.record(element, seen);
                if (record != null) {
                    records.add(record);
                }
            }
        }
        return records;
    }
}
