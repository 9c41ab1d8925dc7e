package io.flashgate.edge.http;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** A registry in the Prometheus text format (0.0.4), as {@code GET /metrics} answers it. */
final class PrometheusText
{
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private PrometheusText()
    {
    }

    static byte[] write(final PrometheusRegistry registry) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        WRITER.write(out, registry.scrape());
        return out.toByteArray();
    }
}
