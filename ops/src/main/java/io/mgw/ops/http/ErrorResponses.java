package io.mgw.ops.http;

import io.mgw.core.http.HttpResponse;

/** The listener's own short JSON error bodies: {"error":"not_found","message":"..."}. */
final class ErrorResponses {

    private ErrorResponses() {}

    static HttpResponse of(int status, String error, String message) {
        return HttpResponse.json(status, "{\"error\":\"" + error + "\",\"message\":\"" + escape(message) + "\"}");
    }

    /** JSON string escaping for the few characters that need it; enough for our own messages and echoed paths. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
