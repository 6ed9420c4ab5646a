// gkcheck serve 的 Java 示例：只用 JDK 自带的 java.net.http（JDK 11 及以上）。
// 运行：java -Dfile.encoding=UTF-8 Check.java（JDK 17 单文件启动，无需先编译）
// 环境变量 GKCHECK_URL 为服务地址，GKCHECK_TOKEN 为访问令牌（服务没有设置令牌时不设）。
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

public class Check {
    static final String URL = System.getenv().getOrDefault("GKCHECK_URL", "http://127.0.0.1:8000");
    static final String TOKEN = System.getenv().getOrDefault("GKCHECK_TOKEN", "");
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    static HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(URL + path));
        if (!TOKEN.isEmpty()) builder.header("Authorization", "Bearer " + TOKEN);
        return builder;
    }

    static HttpRequest json(String path, String body) {
        return request(path).header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    }

    // multipart/form-data：文件字段 file，后面是成对的文字字段（名称, 值）
    static HttpRequest upload(String path, Path file, String... fields) throws Exception {
        String boundary = "gkcheck-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fields[i]
                + "\"\r\n\r\n" + fields[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(file));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
    }

    public static void main(String[] args) throws Exception {
        HttpResponse.BodyHandler<String> text = HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8);

        // 1. 检查文字：200 时应答是 JSON 报告（files[0].findings）；422 表示内容无法检查
        HttpResponse<String> checked = CLIENT.send(json("/v1/check",
            "{\"text\": \"截止目前，全县已完成改造。\", \"publish_date\": \"2024-03-01\"}"), text);
        System.out.println("检查文字 " + checked.statusCode() + " " + checked.body());

        // 2. 检查文件（上传）
        HttpResponse<String> file = CLIENT.send(upload("/v1/check", Path.of("通知.docx")), text);
        System.out.println("检查文件 " + file.statusCode() + " " + file.body());

        // 3. 脱敏文字
        HttpResponse<String> masked = CLIENT.send(json("/v1/mask",
            "{\"text\": \"联系人身份证号110101199003074514\"}"), text);
        System.out.println("脱敏 " + masked.statusCode() + " " + masked.body());

        // 4. 批注副本（fix=true：可改的以修订方式改好），存为 通知-批注.docx
        HttpResponse<Path> annotated = CLIENT.send(upload("/v1/annotate", Path.of("通知.docx"), "fix", "true"),
            HttpResponse.BodyHandlers.ofFile(Path.of("通知-批注.docx")));
        System.out.println("批注副本 " + annotated.statusCode() + " 问题 "
            + annotated.headers().firstValue("X-Gkcheck-Findings").orElse("?") + " 处，已存为 " + annotated.body());
        if (checked.statusCode() != 200 || file.statusCode() != 200 || masked.statusCode() != 200
                || annotated.statusCode() != 200) {
            System.exit(1);
        }
    }
}
