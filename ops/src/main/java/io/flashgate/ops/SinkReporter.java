package io.flashgate.ops;

import io.flashgate.sink.SinkStatus;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tells the engine, once a second, how far the order sink has committed and how far behind it is
 * ({@code sink.reportTo}: the engine's {@code POST /admin/sink}), so {@code GET /admin/engine} shows the sink.
 * A report that does not arrive only leaves the engine showing none after a while: the sink never waits for it.
 */
final class SinkReporter implements AutoCloseable
{
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "flashgate-sink-reporter");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    SinkReporter(final String engineUrl, final SinkStatus status)
    {
        final String base = engineUrl.endsWith("/") ? engineUrl.substring(0, engineUrl.length() - 1) : engineUrl;
        timer.scheduleWithFixedDelay(() ->
        {
            final URI uri = URI.create(base + "/admin/sink?committed=" + status.committedSequence() + "&lagRecords=" +
                status.lagRecords());
            http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        }, 0, 1, TimeUnit.SECONDS);
    }

    @Override
    public void close()
    {
        timer.shutdownNow();
    }
}
