package io.flashgate.sink;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A test class with one real PostgreSQL ({@link TestPostgres}) for all its tests, and an engine data folder per test. */
abstract class WithPostgres
{
    static TestPostgres postgres;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startPostgres() throws Exception
    {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception
    {
        postgres.close();
    }
}
