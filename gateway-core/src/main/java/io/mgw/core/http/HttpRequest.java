package io.mgw.core.http;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request as the node's HTTP listener hands it to an {@link HttpEndpoint}: already size-checked and fully
 * read. Header names are lower case.
 *
 * @param method  upper-case method
 * @param path    the decoded path, without the query
 * @param query   decoded query parameters
 * @param headers header values by lower-case name
 * @param body    the body bytes (empty if none)
 * @param remote  the peer address
 */
public record HttpRequest(
        String method,
        String path,
        Map<String, List<String>> query,
        Map<String, List<String>> headers,
        byte[] body,
        InetSocketAddress remote) {

    public Optional<String> header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    public Optional<String> queryParam(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }
}
