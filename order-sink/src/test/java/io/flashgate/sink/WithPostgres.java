package io.flashgate.sink;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class on the JVM's one real PostgreSQL ({@link TestPostgres#shared}), each test with a database of its own,
 * and an engine data folder per test. Test classes run one after the other, so one that stops the server
 * (DatabaseOutageTest) has it to itself meanwhile; it starts it again, and the next class finds it running anyway.
 */
abstract class WithPostgres
{
    static TestPostgres postgres;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startPostgres() throws Exception
    {
        postgres = TestPostgres.shared();
    }
}
