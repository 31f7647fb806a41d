package io.shmtel.sensors;

import io.shmtel.core.view.RecordWriter;
import io.shmtel.core.view.SampleSink;
import io.shmtel.schema.layout.Layout;
import java.util.function.Function;

/** Base of drivers that fill one record of a known layout through a (generated) writer. */
public abstract class RecordDriver<W extends RecordWriter> implements SensorDriver<W> {
    private final Layout layout;
    private final String record;
    private final Function<SampleSink, W> writers;

    /** @param writers makes the record's writer over a sink, e.g. {@code JointStateWriter::new} */
    protected RecordDriver(Layout layout, String record, Function<SampleSink, W> writers) {
        this.layout = layout;
        this.record = record;
        this.writers = writers;
    }

    @Override
    public final Layout layout() {
        return layout;
    }

    @Override
    public final String record() {
        return record;
    }

    @Override
    public final W newWriter(SampleSink sink) {
        return writers.apply(sink);
    }
}
