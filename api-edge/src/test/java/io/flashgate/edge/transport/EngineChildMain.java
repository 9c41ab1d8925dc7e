package io.flashgate.edge.transport;

import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.engine.transport.AeronEngine;
import io.flashgate.engine.transport.TransportConfig;

import java.nio.file.Path;

/**
 * An engine in its own JVM for the several-process tests: its own media driver, UDP ingress and MDC
 * egress. Prints READY when it serves; stops cleanly when its stdin closes (or dies on kill -9).
 *
 * <p>Args: driverFolder dataFolder ingressEndpoint egressControlEndpoint
 */
public final class EngineChildMain
{
    private EngineChildMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        try (EmbeddedDriver driver = EmbeddedDriver.start(args[0], context -> { });
            AeronEngine engine = AeronEngine.start(TransportConfig.udp(driver.aeronDirectory(), args[2], args[3]),
                EngineConfig.defaults(Path.of(args[1])).withTickIntervalMillis(0).withSnapshotEveryCommands(0)))
        {
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() != -1)
            {
                Thread.onSpinWait();
            }
            System.out.println("STOPPING published=" + engine.transport().egressPublished() + " dropped=" +
                engine.transport().egressDropped());
        }
    }
}
