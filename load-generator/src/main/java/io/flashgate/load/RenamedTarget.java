package io.flashgate.load;

/** A target under another name: a variant of the same system, as its own labelled line in the reports. */
record RenamedTarget(Target target, String name) implements Target
{
    @Override
    public void createSale(final String saleId, final int stock, final int limitPerUser) throws Exception
    {
        target.createSale(saleId, stock, limitPerUser);
    }

    @Override
    public void purchase(final String saleId, final long index, final String userId, final String key,
        final Completion done)
    {
        target.purchase(saleId, index, userId, key, done);
    }

    @Override
    public SaleFigures figures(final String saleId, final int limitPerUser) throws Exception
    {
        return target.figures(saleId, limitPerUser);
    }

    @Override
    public boolean runsInThisJvm()
    {
        return target.runsInThisJvm();
    }

    @Override
    public ServerProcess ownProcess()
    {
        return target.ownProcess();
    }

    @Override
    public java.util.Set<Long> ownThreads()
    {
        return target.ownThreads();
    }

    @Override
    public String transportLoss()
    {
        return target.transportLoss();
    }

    @Override
    public void close()
    {
        target.close();
    }
}
