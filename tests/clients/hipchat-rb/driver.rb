# A legacy Ruby app using hipchat-rb (Debian package ruby-hipchat) exactly as its README shows,
# pointed at the proxy: only the server URL and the token differ from a real HipChat set-up.
#
#   ruby driver.rb '{"server_url": "...", "token": "...", "api_version": "v2", "room": "Ops",
#                    "steps": [{"call": "get_room"}, {"call": "send", "from": "app", "message": "hi"}]}'
#
# Each step calls one public method of the library; the first error stops the app, as an uncaught
# exception would. The result is printed as one JSON line: [{"call", "ok", "result" | "error"}].
require "json"
require "uri"

# hipchat-rb 1.5.2 calls URI.escape, which Ruby 3.0 removed (Debian 12 ships Ruby 3.1): without
# this every room call raises NoMethodError before sending anything. This restores the standard
# library method the gem was written against (the same RFC 2396 escaping); the gem is unchanged.
unless URI.respond_to?(:escape)
  module URI
    def self.escape(*args)
      DEFAULT_PARSER.escape(*args)
    end
  end
end

require "hipchat"

spec = JSON.parse(ARGV.fetch(0))
client = HipChat::Client.new(spec.fetch("token"), api_version: spec.fetch("api_version"),
                                                   server_url: spec.fetch("server_url"))
room = client[spec.fetch("room")]

results = []
spec.fetch("steps").each do |step|
  begin
    result =
      case step.fetch("call")
      when "rooms" then client.rooms.map { |r| r.respond_to?(:name) ? r.name : r.to_h }
      when "get_room" then room.get_room
      when "send"
        options = (step["options"] || {}).transform_keys(&:to_sym)
        room.send(step.fetch("from"), step.fetch("message"), options)
      when "topic" then room.topic(step.fetch("topic"), from: step["from"] || "API")
      else raise ArgumentError, "unknown step #{step["call"]}"
      end
    results << { call: step["call"], ok: true, result: result }
  rescue StandardError => e
    results << { call: step["call"], ok: false, error: e.class.name, message: e.message }
    break
  end
end

puts JSON.generate(results)
