-- one row per (plan indicator name pattern, warehouse measure that tracks it); key (indicator_pattern, metric)
-- The one reviewed place that says which plan indicators the warehouse can measure. A pattern is
-- matched against lower(indicator_name) with LIKE, so a plan that numbers its indicators differently
-- still maps. An indicator may map to several measures (3.3 "hồ sơ, kết quả ... được số hóa"):
-- each is judged on its own. An indicator that no pattern matches is listed as not tracked.
-- is_proxy: the measure approximates the indicator (measure_note says how), it is not the same ratio.
with mapping as (
    select * from (values
        ('%phủ sóng 5g%', 'coverage_5g_pct', 1, false, '1.1',
            'Tỷ lệ phủ sóng 5G do doanh nghiệp viễn thông báo cáo (toàn tỉnh: bình quân theo dân số).'),
        ('%sóng 4g%', 'coverage_4g_pct', 1, false, null,
            'Tỷ lệ thôn, tổ dân phố có sóng 4G.'),
        ('%hộ%cáp quang%', 'fibre_household_pct', 1, false, null,
            'Số hộ sử dụng cáp quang / tổng số hộ.'),
        ('%hồ sơ%số hóa%', 'digitized_dossiers_pct', 1, false, '3.3',
            'Hồ sơ được số hóa khi tiếp nhận / tổng hồ sơ tiếp nhận.'),
        ('%kết quả%số hóa%', 'digitized_results_pct', 2, false, '3.3',
            'Kết quả giải quyết được số hóa / hồ sơ đã giải quyết.'),
        ('%dịch vụ công trực tuyến toàn trình%', 'full_online_rate_pct', 1, true, '3.4',
            'Đo gần đúng: tỷ lệ hồ sơ của DVCTT toàn trình được nộp trực tuyến. Kho chưa có tổng số '
            'thủ tục hành chính đủ điều kiện, nên chưa tính được tỷ lệ thủ tục.'),
        ('%hồ sơ%xử lý trực tuyến%', 'online_rate_pct', 1, false, '3.5',
            'Hồ sơ tiếp nhận trực tuyến / tổng hồ sơ tiếp nhận.'),
        ('%hồ sơ%tiếp nhận trực tuyến%', 'online_rate_pct', 1, false, null,
            'Hồ sơ tiếp nhận trực tuyến / tổng hồ sơ tiếp nhận.'),
        ('%thanh toán trực tuyến%', 'online_payment_pct', 1, false, null,
            'Hồ sơ thanh toán trực tuyến / hồ sơ có phí.'),
        ('%giải quyết%đúng hạn%', 'on_time_rate_pct', 1, false, null,
            'Hồ sơ giải quyết trước hạn, đúng hạn / hồ sơ đã giải quyết.')
    ) as t (indicator_pattern, metric, metric_order, is_proxy, example_code, measure_note)
)

select * from mapping
