# gkcheck serve 的 curl 示例。GKCHECK_URL 为服务地址，GKCHECK_TOKEN 为访问令牌
# （服务没有设置令牌时去掉 -H "Authorization: ..." 一行）。通知.docx、名单.xlsx 换成自己的文件。
GKCHECK_URL=${GKCHECK_URL:-http://127.0.0.1:8000}

# 1. 检查文字（JSON）：应答是 JSON 报告，files[0].findings 为各处问题
curl -sS --fail-with-body "$GKCHECK_URL/v1/check" \
  -H "Authorization: Bearer $GKCHECK_TOKEN" -H "Content-Type: application/json" \
  -d '{"text": "截止目前，全县已完成改造。", "publish_date": "2024-03-01"}'

# 2. 检查文字（表单字段 text，与 PHP、HTML 表单的写法相同）
curl -sS --fail-with-body "$GKCHECK_URL/v1/check" \
  -H "Authorization: Bearer $GKCHECK_TOKEN" \
  --data-urlencode "text=截止目前，全县已完成改造。" --data-urlencode "publish_date=2024-03-01"

# 3. 检查文件（上传，表单字段 file）
curl -sS --fail-with-body "$GKCHECK_URL/v1/check" \
  -H "Authorization: Bearer $GKCHECK_TOKEN" -F "file=@通知.docx"

# 4. 脱敏文字：{"text": 脱敏后的文字, "items": [...]}
curl -sS --fail-with-body "$GKCHECK_URL/v1/mask" \
  -H "Authorization: Bearer $GKCHECK_TOKEN" -H "Content-Type: application/json" \
  -d '{"text": "联系人身份证号110101199003074514"}'

# 5. 脱敏文件：得到脱敏后的副本
curl -sS --fail-with-body "$GKCHECK_URL/v1/mask" \
  -H "Authorization: Bearer $GKCHECK_TOKEN" -F "file=@名单.xlsx" -o 名单-脱敏.xlsx

# 6. 批注副本：每处问题一条 Word 批注；fix=true 时可改的以修订方式改好
curl -sS --fail-with-body "$GKCHECK_URL/v1/annotate" \
  -H "Authorization: Bearer $GKCHECK_TOKEN" -F "file=@通知.docx" -F "fix=true" -o 通知-批注.docx
