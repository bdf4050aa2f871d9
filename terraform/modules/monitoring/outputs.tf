output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies (subscribe more endpoints to it)."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_names" {
  description = "Names of every alarm, grouped by kind."
  value = {
    dead_letters       = [for a in aws_cloudwatch_metric_alarm.dead_letters : a.alarm_name]
    queue_age          = [for a in aws_cloudwatch_metric_alarm.queue_age : a.alarm_name]
    function_errors    = [for a in aws_cloudwatch_metric_alarm.function_errors : a.alarm_name]
    function_throttles = [for a in aws_cloudwatch_metric_alarm.function_throttles : a.alarm_name]
    api                = [aws_cloudwatch_metric_alarm.api_5xx_rate.alarm_name, aws_cloudwatch_metric_alarm.api_p99_latency.alarm_name]
  }
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
