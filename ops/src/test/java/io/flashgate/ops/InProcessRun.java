package io.flashgate.ops;

import io.flashgate.processes.FreePorts;
import io.flashgate.config.ConfigLoader;
import io.flashgate.config.FlashgateConfig;
import io.flashgate.edge.EdgeConfig;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code ops/flashgate run}'s composition root ({@link RunProcess}) in the test's JVM: embedded driver, engine over
 * IPC, edge on a free port, journal in {@code dataDir}; closed in reverse order of start.
 */
final class InProcessRun implements AutoCloseable
{
    final FlashgateConfig config;
    final String secret = EdgeConfig.randomSecret();
    final int port = FreePorts.tcp();
    final Shopper shopper;
    private final FlashgateProcess process;

    InProcessRun(final Path dataDir, final Map<String, String> flags) throws Exception
    {
        final Map<String, String> all = new HashMap<>(flags);
        all.put("data-dir", dataDir.toString());
        all.put("http-port", Integer.toString(port));
        all.put("token-secret", secret);
        this.config = ConfigLoader.load(Map.of(), all).config();
        this.process = RunProcess.start(config, secret);
        this.shopper = new Shopper(secret, port);
    }

    @Override
    public void close()
    {
        process.close();
    }
}
