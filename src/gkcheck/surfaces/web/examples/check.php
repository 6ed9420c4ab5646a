<?php
// gkcheck serve 的 PHP 示例：curl 扩展（curl_*、CURLFile）。运行：php check.php
// 环境变量 GKCHECK_URL 为服务地址，GKCHECK_TOKEN 为访问令牌（服务没有设置令牌时不设）。
$url = getenv('GKCHECK_URL') ?: 'http://127.0.0.1:8000';
$token = getenv('GKCHECK_TOKEN') ?: '';

function gkcheck_post(string $url, string $token, $fields, array $headers = []): array {
    $ch = curl_init($url);
    if ($token !== '') $headers[] = 'Authorization: Bearer ' . $token;
    curl_setopt_array($ch, [
        CURLOPT_POST => true,
        CURLOPT_POSTFIELDS => $fields,      // 字符串：原样发送；数组：multipart/form-data
        CURLOPT_HTTPHEADER => $headers,
        CURLOPT_RETURNTRANSFER => true,
    ]);
    $body = curl_exec($ch);
    $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    curl_close($ch);
    return [$status, $body];
}

// 1. 检查文字（JSON）：200 时应答是 JSON 报告；422 表示内容无法检查
[$status, $body] = gkcheck_post("$url/v1/check", $token,
    json_encode(['text' => '截止目前，全县已完成改造。', 'publish_date' => '2024-03-01'], JSON_UNESCAPED_UNICODE),
    ['Content-Type: application/json']);
$report = json_decode($body, true);
foreach ($report['files'][0]['findings'] as $f) {
    echo "{$f['rule']} {$f['message']}：{$f['match']} → {$f['suggestion']}（{$f['location']['text']}）\n";
}

// 2. 检查文字（表单字段 text：application/x-www-form-urlencoded）
[$status, $body] = gkcheck_post("$url/v1/check", $token, http_build_query(['text' => '截止目前，全县已完成改造。']));
echo "表单 $status\n";

// 3. 检查文件（上传）
[$status, $body] = gkcheck_post("$url/v1/check", $token, ['file' => new CURLFile('通知.docx')]);
$report = json_decode($body, true);
echo "检查文件 {$status}：{$report['summary']['findings']} 处问题\n";

// 4. 脱敏文字
[$status, $body] = gkcheck_post("$url/v1/mask", $token,
    json_encode(['text' => '联系人身份证号110101199003074514'], JSON_UNESCAPED_UNICODE), ['Content-Type: application/json']);
echo "脱敏 $status " . json_decode($body, true)['text'] . "\n";

// 5. 批注副本（fix=true：可改的以修订方式改好）
[$status, $body] = gkcheck_post("$url/v1/annotate", $token, ['file' => new CURLFile('通知.docx'), 'fix' => 'true']);
if ($status === 200) file_put_contents('通知-批注.docx', $body);
echo "批注副本 $status\n";
