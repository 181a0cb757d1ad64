package io.ledgerbridge.store;

/**
 * Bounds of the pages the admin API lists. The offset a page skips is page × size: at most 100,000 pages of at most
 * 500 skip 50,000,000 rows, far within an int (2147483647 × 500 overflowed into a negative offset and a 500) and
 * beyond any store's audit trail or dead letters; a larger page is a 400 problem naming the parameter.
 */
public final class Paging {

    public static final int MAX_PAGE = 100_000;
    public static final int MAX_SIZE = 500;

    private Paging() {
    }
}
