package io.flashgate.ops;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.flashgate.engine.transport.EmbeddedDriver;

/**
 * A media driver on its own, as an operator runs one beside engines and edges: {@code ExternalDriver <folder>}
 * prints {@value #READY} once it serves and runs until SIGTERM. Tests start it as a child JVM and SIGKILL it.
 */
public final class ExternalDriver
{
    static final String READY = "driver ready";

    private ExternalDriver()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(args[0])
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true) // a killed driver's folder is left behind: the restart takes it over
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .ipcTermBufferLength(EmbeddedDriver.TERM_LENGTH)
            .publicationTermBufferLength(EmbeddedDriver.TERM_LENGTH);
        final MediaDriver driver = MediaDriver.launch(context);
        Runtime.getRuntime().addShutdownHook(new Thread(driver::close, "driver-shutdown"));
        System.out.println(READY);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
