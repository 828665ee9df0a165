package io.mgw.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An immutable snapshot of the configured accounts, looked up by id. */
public final class Accounts {

    private final Map<String, AccountConfig> byId;

    public Accounts(List<AccountConfig> accounts) {
        Map<String, AccountConfig> m = new LinkedHashMap<>();
        for (AccountConfig a : accounts) {
            if (m.putIfAbsent(a.id(), a) != null) {
                throw new IllegalArgumentException("accounts: duplicate id '" + a.id() + "'");
            }
        }
        this.byId = Map.copyOf(m);
    }

    public Optional<AccountConfig> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public java.util.Collection<AccountConfig> all() {
        return byId.values();
    }
}
